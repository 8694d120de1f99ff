import type { Address } from '../../inventory/core/address.js';
import { assertNever } from '../../inventory/core/errors.js';

/** What a change does to one resource. */
export type Action = 'no-op' | 'create' | 'update' | 'replace' | 'delete';

export function actionGlyph(action: Action): string {
  switch (action) {
    case 'no-op':
      return ' ';
    case 'create':
      return '+';
    case 'update':
      return '~';
    case 'replace':
      return '-/+';
    case 'delete':
      return '-';
    default:
      return assertNever(action, 'action');
  }
}

/** A JSON value: what `before` and `after` hold, so a plan serialises and compares exactly. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One planned change. `before`/`after` are the driver's view of the resource (secrets never
 * included); for `update`, `fields` lists the changed top-level fields. `reason` is for people:
 * apply never reads it. `host` is where the change is applied (changes run per host, in order). */
export interface Change {
  address: Address;
  action: Action;
  driver: string;
  host?: string;
  before: JsonValue | null;
  after: JsonValue | null;
  fields?: string[];
  reason?: string;
  /** Notes shown with the change: a restart needed, a field the backend cannot honour. */
  notes?: string[];
}
