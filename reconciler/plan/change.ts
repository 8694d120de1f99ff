import type { Address } from '../../inventory/core/address.js';
import { assertNever } from '../../inventory/core/errors.js';
import type { JsonValue } from '../../inventory/core/json-value.js';

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

/** Where a change is applied: an SSH host (a server of the inventory, by name) or a service
 * endpoint (the Zabbix API). Apply keeps the dependency order within one target and runs targets
 * in parallel. */
export type ChangeTarget = { kind: 'host'; name: string } | { kind: 'service'; name: string };

interface ChangeFields {
  address: Address;
  action: Action;
  driver: string;
  before: JsonValue | null;
  after: JsonValue | null;
  fields?: string[];
  reason?: string;
  /** Notes shown with the change: a restart needed, a field the backend cannot honour. */
  notes?: string[];
}

/** One planned change. `before`/`after` are the driver's view of the resource (secrets never
 * included); for `update`, `fields` lists the changed top-level fields. `reason` is for people:
 * apply never reads it. Every change names its target: `host` (an SSH host) or `service` (a
 * service endpoint), exactly one. */
export type Change = ChangeFields & ({ host: string; service?: undefined } | { service: string; host?: undefined });

export function changeTarget(change: Change): ChangeTarget {
  return change.host !== undefined ? { kind: 'host', name: change.host } : { kind: 'service', name: change.service };
}

export function describeTarget(target: ChangeTarget): string {
  return target.kind === 'host' ? target.name : `service ${target.name}`;
}
