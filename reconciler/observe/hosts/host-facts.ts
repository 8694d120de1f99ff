import type { Diagnostic } from '../../../inventory/core/diagnostic.js';

/** What pytin observes on one host over SSH. A fact kind is null when it could not be
 * observed; `diagnostics` says why. Never partial within a kind: a kind is all or nothing. */
export interface HostFacts {
  /** The host's name in the inventory. */
  host: string;
  /** When the observation finished (ms since the epoch). */
  observedAt: number;
  basics: HostBasics | null;
  domains: DomainFacts[] | null;
  tc: TcFacts | null;
  /** The host's backup policies as installed and as their series report them. */
  backups: BackupsFacts | null;
  diagnostics: Diagnostic[];
}

/** The fact kinds the store keeps per host, one JSON document each. */
export const HOST_FACT_KINDS = ['basics', 'domains', 'tc', 'backups'] as const satisfies readonly (keyof HostFacts)[];

export interface BackupsFacts {
  policies: BackupPolicyFacts[];
  /** Every schedule file pytin installed on the host (by its marker), by file name. */
  installed: Array<{ file: string; text: string }>;
}

/** One policy on its host: the installed schedule and exclude file (null: absent), and the
 * series reports of `pytin backup list --json` (null: unreadable). */
export interface BackupPolicyFacts {
  name: string;
  cron: string | null;
  exclude: string | null;
  series: Array<{ [key: string]: JsonValue }> | null;
}
export type HostFactKind = (typeof HOST_FACT_KINDS)[number];

export interface HostBasics {
  hostname: string;
  kernel: string;
  uptimeSeconds: number;
}

/** virsh domstate words, named without spaces. */
export type DomainState = 'running' | 'blocked' | 'paused' | 'shutting-down' | 'shut-off' | 'crashed' | 'pm-suspended' | 'unknown';

export interface DomainFacts {
  name: string;
  uuid: string | null;
  state: DomainState;
  vcpu: number | null;
  memoryKiB: number | null;
  disks: DomainDisk[];
  interfaces: DomainInterface[];
  /** Elements under <metadata> in the pytin namespace, or null when there are none. */
  pytin: MetadataElement[] | null;
}

export interface DomainDisk {
  /** disk, cdrom, floppy, lun */
  device: string;
  /** file, block, network, volume */
  type: string;
  /** The file, device, volume or network name (libvirt's source attribute for the type). */
  source: string | null;
  target: string | null;
  bus: string | null;
  format: string | null;
}

export interface DomainInterface {
  /** bridge, network, direct, ethernet, user, ... */
  type: string;
  mac: string | null;
  bridge: string | null;
  network: string | null;
  model: string | null;
  /** The host-side device (vnetN) while the domain runs. */
  targetDev: string | null;
  bandwidth: { inbound: BandwidthSetting | null; outbound: BandwidthSetting | null };
}

/** libvirt <bandwidth>: rates in KiB/s, burst in KiB. */
export interface BandwidthSetting {
  averageKiBps: number | null;
  peakKiBps: number | null;
  burstKiB: number | null;
  floorKiBps: number | null;
}

/** An XML element kept generally: pytin's ownership metadata may grow fields. */
export interface MetadataElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: MetadataElement[];
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One tc object as `tc -j` printed it, with the fields every plan needs pulled out. */
export interface TcObject {
  kind: string;
  handle: string | null;
  parent: string | null;
  raw: { [key: string]: JsonValue };
}

export interface TcInterfaceFacts {
  device: string;
  qdiscs: TcObject[];
  classes: TcObject[];
  filters: TcObject[];
}

export interface TcFacts {
  interfaces: TcInterfaceFacts[];
}
