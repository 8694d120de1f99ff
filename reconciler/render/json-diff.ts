import type { JsonValue } from '../../inventory/core/json-value.js';
import type { Change } from '../plan/change.js';

export interface FieldDifference {
  /** Dotted path; list items by index, or by `name` when the items have one (`interfaces.eth0.ips`). */
  path: string;
  before: JsonValue | undefined;
  after: JsonValue | undefined;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lists of objects compare item by item when every item of both lists carries the same
 * identifying key: `name`, else `mac` (libvirt keeps no NIC names, so observed interfaces have
 * only their MAC). Inserting one item then shows as one addition rather than every later item
 * changing. Items matched by MAC are labelled by their name where one side has it, and that name
 * is a label, not a difference. */
const ITEM_KEYS = ['name', 'mac'] as const;

function keyed(list: JsonValue[], key: string): Map<string, { [key: string]: JsonValue }> | undefined {
  const out = new Map<string, { [key: string]: JsonValue }>();
  for (const item of list) {
    const id = isObject(item) ? item[key] : undefined;
    if (!isObject(item) || typeof id !== 'string' || out.has(id)) return undefined;
    out.set(id, item);
  }
  return out;
}

function withoutName(item: { [key: string]: JsonValue } | undefined): JsonValue | undefined {
  if (item === undefined) return undefined;
  const { name: _label, ...rest } = item;
  return rest;
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
    for (const key of ITEM_KEYS) {
      const a = keyed(before, key);
      const b = keyed(after, key);
      if (!a || !b) continue;
      const ids = [...new Set([...a.keys(), ...b.keys()])];
      return ids.flatMap((id) => {
        const [x, y] = [a.get(id), b.get(id)];
        if (key === 'name') return jsonDifferences(x, y, path ? `${path}.${id}` : id);
        const label = y?.name ?? x?.name;
        const at = typeof label === 'string' ? label : id;
        return jsonDifferences(withoutName(x), withoutName(y), path ? `${path}.${at}` : at);
      });
    }
  }
  return [{ path, before, after }];
}

/** What a plan shows of an update or replace: the differences in the fields the driver says
 * changed (`fields`), not every way its observed and desired records differ in shape (an observed
 * domain has a state and an owner record, a desired one a tenant and an install source). A change
 * without `fields` shows every difference. Other actions show none. */
export function changeDifferences(change: Change): FieldDifference[] {
  if (change.action !== 'update' && change.action !== 'replace') return [];
  const all = jsonDifferences(change.before ?? undefined, change.after ?? undefined);
  const fields = change.fields;
  if (!fields?.length) return all;
  return all.filter((d) => fields.includes(d.path.split('.')[0]!));
}

export function formatJsonValue(value: JsonValue | undefined): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
