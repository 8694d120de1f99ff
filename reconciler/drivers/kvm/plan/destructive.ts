import type { Change } from '../../../plan/change.js';
import { protectionNote } from '../../../plan/safety.js';
import { diskLossNote } from './disk-changes.js';
import type { ObservedDisk } from './observed-domain.js';

/** The notes a destructive KVM change carries, so a reviewer reads them next to the change: the
 * disks it destroys, with their sizes, and whether the VM is protected. */
export function destroyNotes(
  change: Pick<Change, 'address' | 'action' | 'before' | 'after'>,
  disks: readonly ObservedDisk[],
  provisionVolumes: boolean,
): string[] {
  return [diskLossNote(disks, provisionVolumes), ...protectionNote(change)];
}
