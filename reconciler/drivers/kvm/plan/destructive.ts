import type { Change } from '../../../plan/change.js';
import { protectionNote } from '../../../plan/safety.js';

/** The notes a destructive KVM change carries, so a reviewer reads them next to the change. */
export function destroyNotes(change: Pick<Change, 'address' | 'action' | 'before' | 'after'>): string[] {
  return ['destroys the domain and its disks', ...protectionNote(change)];
}
