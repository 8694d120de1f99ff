import { assertNever } from '../../../inventory/core/errors.js';
import type { JsonValue } from '../../../inventory/core/json-value.js';
import type { TcObject } from './tc-facts.js';

export type TcListing = 'qdisc' | 'class' | 'filter';

type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: JsonValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

/** tc's rate words (SI: 1Kbit = 1000 bit/s) to bits per second. */
export function parseTcRate(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)([KMGT]?)(bit|bps)$/i.exec(text);
  if (!match) return null;
  const scale = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 }[match[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  const perSecond = Number(match[1]) * scale;
  return Math.round(match[3]!.toLowerCase() === 'bps' ? perSecond * 8 : perSecond);
}

function fromJson(listing: TcListing, value: JsonObject): TcObject {
  const options = isObject(value.options ?? null) ? (value.options as JsonObject) : undefined;
  switch (listing) {
    case 'qdisc':
      return {
        kind: stringOrNull(value.kind) ?? 'unknown',
        handle: stringOrNull(value.handle),
        parent: value.root === true ? 'root' : stringOrNull(value.parent),
        raw: value,
      };
    case 'class':
      return {
        kind: stringOrNull(value.class) ?? stringOrNull(value.kind) ?? 'unknown',
        handle: stringOrNull(value.handle),
        parent: value.root === true ? 'root' : stringOrNull(value.parent),
        raw: value,
      };
    case 'filter':
      // A filter's handle is u32's "fh"; the bare per-priority entries have none.
      return { kind: stringOrNull(value.kind) ?? 'unknown', handle: stringOrNull(options?.fh), parent: stringOrNull(value.parent), raw: value };
    default:
      return assertNever(listing, 'tc listing');
  }
}

/** `class htb 1:10 root prio 0 rate 10Mbit ceil 20Mbit burst 1600b cburst 1600b` — what
 * iproute2 6.1 prints for HTB classes even under -j. Words after the handle are flags (`root`)
 * or key/value pairs. */
function classFromText(line: string): TcObject {
  const words = line.trim().split(/\s+/);
  const [, kind, handle] = words;
  if (!kind || !handle) throw new Error(`cannot read tc class line "${line}"`);
  const raw: JsonObject = { class: kind, handle };
  for (let k = 3; k < words.length;) {
    const word = words[k]!;
    if (word === 'root') {
      raw.root = true;
      k++;
    } else {
      raw[word] = words[k + 1] ?? null;
      k += 2;
    }
  }
  for (const key of ['rate', 'ceil']) {
    const value = raw[key];
    if (typeof value === 'string') raw[`${key}BitsPerSecond`] = parseTcRate(value);
  }
  return { kind, handle, parent: raw.root === true ? 'root' : stringOrNull(raw.parent), raw };
}

/** tc prints a u32 filter with several `match` keys in one object; JSON.parse would keep only
 * the last. Numbering them (`"match#0"`, ...) before parsing and gathering them into
 * `options.matches` afterwards keeps every match. The key is followed by an object, which no
 * string value in tc's output is. */
function numberDuplicateMatches(json: string): string {
  let n = 0;
  return json.replace(/"match":\{/g, () => `"match#${n++}":{`);
}

function gatherMatches(value: JsonObject): JsonObject {
  const options = value.options;
  if (!isObject(options ?? null)) return value;
  const gathered: JsonObject = {};
  const matches: JsonValue[] = [];
  for (const [key, v] of Object.entries(options as JsonObject)) {
    if (key.startsWith('match#')) matches.push(v);
    else gathered[key] = v;
  }
  if (matches.length > 0) gathered.matches = matches;
  return { ...value, options: gathered };
}

/** Reads `tc -j LISTING show dev X` output: JSON where tc prints it, the text form of classes
 * where it does not. Throws on anything else. */
export function parseTcListing(listing: TcListing, output: string): TcObject[] {
  const text = output.trim();
  if (text === '') return [];
  if (text.startsWith('[')) {
    const parsed = JSON.parse(numberDuplicateMatches(text)) as JsonValue;
    if (!Array.isArray(parsed)) throw new Error('tc -j did not print a list');
    return parsed.filter(isObject).map((value) => fromJson(listing, gatherMatches(value)));
  }
  if (listing === 'class') {
    return text
      .split('\n')
      .filter((line) => line.startsWith('class '))
      .map(classFromText);
  }
  throw new Error(`tc ${listing} printed neither JSON nor a known text form: "${text.slice(0, 80)}"`);
}

export interface U32AddressMatch {
  field: 'src' | 'dst';
  /** e.g. `10.0.0.5/32` */
  cidr: string;
}

/** The IPv4 source/destination matches of a u32 filter (offsets 12 and 16 of the IP header),
 * the form the per-guest shaper writes: what the planner compares with the guest's addresses.
 * Other matches (ports, protocols) are left out. */
export function u32AddressMatches(filter: TcObject): U32AddressMatch[] {
  const options = filter.raw.options;
  if (filter.kind !== 'u32' || !isObject(options ?? null)) return [];
  const matches = (options as JsonObject).matches;
  if (!Array.isArray(matches)) return [];
  const found: U32AddressMatch[] = [];
  for (const m of matches) {
    if (!isObject(m) || typeof m.value !== 'string' || typeof m.mask !== 'string' || (m.off !== 12 && m.off !== 16)) continue;
    const value = parseInt(m.value, 16);
    const mask = parseInt(m.mask, 16);
    if (!Number.isFinite(value) || !Number.isFinite(mask)) continue;
    const prefix = mask.toString(2).replace(/0+$/, '').length;
    // A mask that is not contiguous ones is not a CIDR; skip rather than misreport it.
    if (mask !== 0 && mask >>> 0 !== (0xffffffff << (32 - prefix)) >>> 0) continue;
    const octets = [24, 16, 8, 0].map((shift) => ((value >>> shift) & 255).toString());
    found.push({ field: m.off === 12 ? 'src' : 'dst', cidr: `${octets.join('.')}/${prefix}` });
  }
  return found;
}
