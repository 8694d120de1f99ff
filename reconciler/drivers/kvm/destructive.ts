import { assertNever } from '../../../inventory/core/errors.js';
import type { Change, JsonValue } from '../../plan/change.js';

/** Whether applying the change destroys the resource (and, for a VM, its disks): delete, and
 * replace (destroy then create). The apply engine refuses a destructive change to a protected
 * resource without --allow-destroy ADDRESS. Read from the action alone, so it holds for every
 * driver and cannot be forgotten by one. */
export function isDestructive(change: Pick<Change, 'action'>): boolean {
  switch (change.action) {
    case 'delete':
    case 'replace':
      return true;
    case 'no-op':
    case 'create':
    case 'update':
      return false;
    default:
      return assertNever(change.action, 'action');
  }
}

function protectedFlag(value: JsonValue | null): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && value.protected === true;
}

/** A change to a protected resource: `protected: true` in `before` (what is out there: for a VM
 * removed from git, the flag recorded in its metadata at the last apply) or in `after` (git). */
export function touchesProtected(change: Pick<Change, 'before' | 'after'>): boolean {
  return protectedFlag(change.before) || protectedFlag(change.after);
}

/** The note a destructive change carries, so a reviewer reads it next to the change. */
export function destroyNotes(change: Pick<Change, 'address' | 'before' | 'after'>): string[] {
  const notes = ['destroys the domain and its disks'];
  if (touchesProtected(change)) notes.push(`protected: refused without --allow-destroy ${change.address}`);
  return notes;
}
