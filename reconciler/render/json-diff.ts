import type { JsonValue } from '../../inventory/core/json-value.js';

export interface FieldDifference {
  /** Dotted path; list items by index, or by `name` when the items have one (`interfaces.eth0.ips`). */
  path: string;
  before: JsonValue | undefined;
  after: JsonValue | undefined;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lists of named objects (interfaces, disks) compare by name, so inserting one item shows as one
 * addition rather than every later item changing. */
function keyed(list: JsonValue[]): Map<string, JsonValue> | undefined {
  const out = new Map<string, JsonValue>();
  for (const item of list) {
    if (!isObject(item) || typeof item.name !== 'string' || out.has(item.name)) return undefined;
    out.set(item.name, item);
  }
  return out;
}

/** The leaf-level differences between two JSON values, in a stable order. Lists of scalars are
 * compared whole (an address list reads better as one line). */
export function jsonDifferences(before: JsonValue | undefined, after: JsonValue | undefined, path = ''): FieldDifference[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => jsonDifferences(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = keyed(before);
    const b = keyed(after);
    if (a && b) {
      const names = [...new Set([...a.keys(), ...b.keys()])];
      return names.flatMap((name) => jsonDifferences(a.get(name), b.get(name), path ? `${path}.${name}` : name));
    }
  }
  return [{ path, before, after }];
}

export function formatJsonValue(value: JsonValue | undefined): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
