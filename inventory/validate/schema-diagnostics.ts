import type { ErrorObject } from 'ajv';

import { SINK_FORMAT_NAMES } from '../../schemas/formats/sink-format-names.js';
import { SECRET_KEYWORD } from '../../schemas/schema-registry.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SourceRange } from '../core/source-range.js';
import type { LocateTarget, ValuePath } from '../parse/yaml-locate.js';

const FORMAT_NAMES: Record<string, string> = {
  'pytin-name': 'a name (lower-case letters, digits, ".", "_" and "-", starting with a letter or digit, at most 63 characters)',
  'pytin-ipv4': 'an IPv4 address',
  'pytin-ipv6': 'an IPv6 address',
  'pytin-ip': 'an IP address',
  'pytin-cidr': 'a network in CIDR notation with zero host bits (e.g. 203.0.113.0/24)',
  'pytin-ip-range': 'an address or a range "first-last"',
  'pytin-mac': 'a MAC address (52:54:00:ab:cd:ef, 52-54-00-AB-CD-EF or 5254.00ab.cdef)',
  'pytin-bandwidth': 'a bandwidth like 100Mbit (units bit, kbit, Mbit, Gbit, Tbit)',
  'pytin-size': 'a size like 20GiB (units B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)',
  'pytin-host': 'a host name or an IP address',
  'pytin-cron': 'a cron schedule: five fields of digits and * , - / separated by single spaces',
  'pytin-date': 'a calendar day YYYY-MM-DD (e.g. 2026-11-27)',
  ...SINK_FORMAT_NAMES,
};

export function pointerToPath(instancePath: string): ValuePath {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number' && !Number.isFinite(value)) return `number ${String(value)} (too large, or .inf/.nan)`;
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

function valueAt(root: unknown, path: ValuePath): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment as string];
  }
  return node;
}

/** Edit distance, for "did you mean" on unknown fields. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function suggestion(unknown: string, known: string[]): string {
  const threshold = Math.max(2, Math.floor(unknown.length / 3));
  // The distance is at least the difference in length, so names too long or too short to be within
  // the threshold are skipped: a key may be megabytes long, and the distance costs their product.
  const best = known
    .filter((name) => Math.abs(name.length - unknown.length) <= threshold)
    .map((name) => ({ name, d: distance(unknown.toLowerCase(), name.toLowerCase()) }))
    .sort((x, y) => x.d - y.d)[0];
  return best && best.d <= threshold ? `; did you mean "${best.name}"?` : '';
}

function fieldName(path: ValuePath): string {
  return path.length === 0 ? 'the document' : `"${path.join('.')}"`;
}

type Locate = (path: ValuePath, target?: LocateTarget) => SourceRange;

/** Schema diagnostics reported per document. A document with real mistakes has a handful; past a
 * thousand it is the wrong file or generated garbage, where more identical lines help nobody and
 * each costs a position lookup and memory (one list of 500,000 bad items in a 1 MB file made
 * 500,000 diagnostics and a 1 GB process). The rest is summed up in one diagnostic. */
export const MAX_SCHEMA_DIAGNOSTICS_PER_DOCUMENT = 1000;

/** Whether a schema path lies under one of the oneOf paths (each ending in "/"): its prefixes are
 * looked up, so the cost is the path's length, not the number of oneOf errors. */
function insideOneOf(schemaPath: string, oneOfPaths: ReadonlySet<string>): boolean {
  for (let slash = schemaPath.indexOf('/'); slash >= 0; slash = schemaPath.indexOf('/', slash + 1)) {
    if (oneOfPaths.has(schemaPath.slice(0, slash + 1))) return true;
  }
  return false;
}

/** Turns Ajv's errors for one document into diagnostics with positions, dropping the noise Ajv
 * reports around the real mistake (the failing branches of oneOf, the `if` that selected a `then`). */
export function schemaErrorsToDiagnostics(errors: readonly ErrorObject[], document: unknown, locate: Locate, address?: string): Diagnostic[] {
  const secretPaths = new Set(errors.filter((e) => e.keyword === SECRET_KEYWORD).map((e) => e.instancePath));
  // A set: every item of a list can fail the same oneOf, and each error is checked against these.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.schemaPath + '/'));
  // A misspelt required field is one mistake: "unknown field vcpu; did you mean vcpus" says it all,
  // so the "missing vcpus" error beside it is dropped.
  const misspelt = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const known = Object.keys(((error.parentSchema as Record<string, unknown> | undefined)?.properties as Record<string, unknown>) ?? {});
    const guess = /did you mean "([^"]+)"/.exec(suggestion(String((error.params as Record<string, unknown>).additionalProperty), known))?.[1];
    if (guess) misspelt.add(`${error.instancePath}/${guess}`);
  }
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const [index, error] of errors.entries()) {
    if (error.keyword === 'if') continue;
    if (error.keyword === 'required' && misspelt.has(`${error.instancePath}/${String((error.params as Record<string, unknown>).missingProperty)}`)) continue;
    if (secretPaths.has(error.instancePath) && error.keyword !== SECRET_KEYWORD) continue;
    // Errors inside a oneOf's branches explain why no branch matched; the oneOf error says it better.
    if (oneOfPaths.size > 0 && insideOneOf(error.schemaPath, oneOfPaths)) continue;
    const path = pointerToPath(error.instancePath);
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (out.length === MAX_SCHEMA_DIAGNOSTICS_PER_DOCUMENT) {
      out.push({
        severity: 'error',
        code: 'INV_SCHEMA_TOO_MANY_ERRORS',
        summary: `the document has more than ${MAX_SCHEMA_DIAGNOSTICS_PER_DOCUMENT} schema errors; up to ${errors.length - index} more from here on are not shown`,
        subject: locate(path),
        ...(address ? { address } : {}),
      });
      break;
    }
    const diagnostic = toDiagnostic(error, path, document, locate);
    out.push(address ? { ...diagnostic, address } : diagnostic);
  }
  return out;
}

function toDiagnostic(error: ErrorObject, path: ValuePath, document: unknown, locate: Locate): Diagnostic {
  const value = valueAt(document, path);
  const params = error.params as Record<string, unknown>;
  const make = (code: string, summary: string, subject: SourceRange, detail?: string): Diagnostic => ({
    severity: 'error',
    code,
    summary,
    subject,
    ...(detail ? { detail } : {}),
  });
  switch (error.keyword) {
    case 'required':
      return make('INV_SCHEMA_REQUIRED', `${fieldName(path)} is missing the required field "${String(params.missingProperty)}"`, locate(path, 'key'));
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const known = Object.keys(((error.parentSchema as Record<string, unknown> | undefined)?.properties as Record<string, unknown>) ?? {});
      return make(
        'INV_SCHEMA_UNKNOWN_FIELD',
        `unknown field "${extra}" in ${fieldName(path)}${suggestion(extra, known)}`,
        locate([...path, extra], 'key'),
        known.length ? `Known fields: ${known.join(', ')}.` : undefined,
      );
    }
    case 'type':
      return make('INV_SCHEMA_TYPE', `${fieldName(path)} must be ${String(params.type)}, got ${describeValue(value)}`, locate(path));
    case 'format':
      return make(
        'INV_SCHEMA_FORMAT',
        `${fieldName(path)}: ${describeValue(value)} is not ${FORMAT_NAMES[String(params.format)] ?? String(params.format)}`,
        locate(path),
      );
    case 'pattern':
      return make(
        'INV_SCHEMA_FORMAT',
        `${fieldName(path)}: ${describeValue(value)} does not have the expected form`,
        locate(path),
        `${String((error.parentSchema as { description?: string } | undefined)?.description ?? '')} (pattern ${String(params.pattern)})`.trim(),
      );
    case 'enum':
      return make(
        'INV_SCHEMA_ENUM',
        `${fieldName(path)} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}; got ${describeValue(value)}`,
        locate(path),
      );
    case 'const':
      return make('INV_SCHEMA_ENUM', `${fieldName(path)} must be ${JSON.stringify(params.allowedValue)}; got ${describeValue(value)}`, locate(path));
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
    case 'minProperties':
    case 'maxProperties':
      return make('INV_SCHEMA_RANGE', `${fieldName(path)} ${error.message ?? 'is out of range'}; got ${describeValue(value)}`, locate(path));
    case 'uniqueItems':
      return make('INV_SCHEMA_RANGE', `${fieldName(path)} lists the same item twice (items ${String(params.j)} and ${String(params.i)})`, locate(path));
    case SECRET_KEYWORD:
      return make(
        'INV_RULE_LITERAL_SECRET',
        `${fieldName(path)} is a secret written literally in the inventory`,
        locate(path),
        'Never commit secrets. Write a reference instead: `{env: NAME}` (read from the environment when pytin runs) or `{file: PATH}` (read from a file kept out of git).',
      );
    case 'not': {
      // `not: {required: [a, b]}`: fields that exclude each other (a pool's datacenter and datacenters).
      const excluded = (error.schema as { required?: string[] } | undefined)?.required;
      if (excluded && excluded.length > 1)
        return make('INV_SCHEMA_INVALID', `${fieldName(path)} sets ${excluded.map((f) => `"${f}"`).join(' and ')}; set at most one`, locate(path));
      return make('INV_SCHEMA_INVALID', `${fieldName(path)} ${error.message ?? 'is invalid'}`, locate(path));
    }
    case 'oneOf': {
      const branches = ((error.schema as Array<{ required?: string[] }>) ?? []).map((b) => b.required ?? []);
      if (branches.every((b) => b.length === 1)) {
        const names = branches.map((b) => `"${b[0]}"`).join(' or ');
        const passing = params.passingSchemas;
        return make(
          'INV_SCHEMA_INVALID',
          Array.isArray(passing) ? `${fieldName(path)} sets both ${names}; set exactly one` : `${fieldName(path)} needs ${names}`,
          locate(path),
        );
      }
      return make('INV_SCHEMA_INVALID', `${fieldName(path)} matches none of the allowed forms`, locate(path));
    }
    default:
      return make('INV_SCHEMA_INVALID', `${fieldName(path)} ${error.message ?? 'is invalid'}`, locate(path));
  }
}
