import type { Address } from '../../inventory/core/address.js';

/** Kinds of observed difference pytin reports but never acts on. */
export type DriftKind =
  | 'unallocated-address-in-use'
  | 'address-not-seen'
  | 'reservation-not-activated'
  | 'mac-on-unexpected-port'
  | 'vm-on-wrong-hypervisor'
  | 'unknown-vm'
  | 'limit-changed-by-hand'
  | 'resources-changed-by-hand'
  | 'running-differs-from-config'
  | 'device-not-answering'
  | 'backup-run-overdue'
  | 'backup-lock-stuck'
  | 'backup-snapshot-missing'
  | 'backup-archive-problem'
  | 'zabbix-edited-by-hand';

export interface DriftEvidence {
  /** `snmp`, `ssh`, `store`. */
  source: string;
  /** Device or host, and port or path where it was seen. */
  where: string;
  /** ISO time of the observation the drift rests on. */
  seenAt: string;
}

export interface Drift {
  address: Address;
  kind: DriftKind;
  evidence: DriftEvidence;
  message: string;
}
