import { assertNever } from '../../../inventory/core/errors.js';
import type { JsonValue, TcObject } from './host-facts.js';

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
      return { kind: stringOrNull(value.kind) ?? 'unknown', handle: stringOrNull(value.handle), parent: value.root === true ? 'root' : stringOrNull(value.parent), raw: value };
    case 'class':
      return { kind: stringOrNull(value.class) ?? stringOrNull(value.kind) ?? 'unknown', handle: stringOrNull(value.handle), parent: value.root === true ? 'root' : stringOrNull(value.parent), raw: value };
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
  for (let k = 3; k < words.length; ) {
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

/** Reads `tc -j LISTING show dev X` output: JSON where tc prints it, the text form of classes
 * where it does not. Throws on anything else. */
export function parseTcListing(listing: TcListing, output: string): TcObject[] {
  const text = output.trim();
  if (text === '') return [];
  if (text.startsWith('[')) {
    const parsed = JSON.parse(text) as JsonValue;
    if (!Array.isArray(parsed)) throw new Error('tc -j did not print a list');
    return parsed.filter(isObject).map((value) => fromJson(listing, value));
  }
  if (listing === 'class') {
    return text
      .split('\n')
      .filter((line) => line.startsWith('class '))
      .map(classFromText);
  }
  throw new Error(`tc ${listing} printed neither JSON nor a known text form: "${text.slice(0, 80)}"`);
}
