import type { SshTarget } from '../../transports/ssh/ssh-target.js';
import type { BackupPolicyTarget } from './observe-backups.js';

/** One host to observe. Plain data, built from the inventory's Server at the edge. */
export interface HostTarget extends SshTarget {
  /** libvirt connection URI for virsh (`qemu:///system`; `test:///path/node.xml` in the lab).
   * Absent: virsh's own default. */
  virshUri?: string;
  /** Interfaces whose tc qdiscs, classes and filters are observed (bridges, uplinks). */
  tcInterfaces: string[];
  /** Devices observed when present, e.g. the ifb devices pytin creates for upload shaping on its
   * first apply: until then their absence is expected, not a failure. */
  tcOptionalInterfaces?: string[];
  /** The backup policies this host runs, what to read for each. */
  backupPolicies?: BackupPolicyTarget[];
  /** Where pytin installs backup schedules on this host (set on hosts that run policies, or ran them). */
  backupCronDir?: string;
}

/** The address diagnostics about a host carry. */
export function hostAddress(target: { name: string }): string {
  return `server/${target.name}`;
}
