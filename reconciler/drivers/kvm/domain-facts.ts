/** What the KVM driver observes on a hypervisor: each libvirt domain as `virsh dumpxml` shows it. */
/** virsh domstate words, named without spaces. */
export type DomainState = 'running' | 'blocked' | 'paused' | 'shutting-down' | 'shut-off' | 'crashed' | 'pm-suspended' | 'unknown';

export interface DomainFacts {
  name: string;
  uuid: string | null;
  state: DomainState;
  /** vCPUs the domain has (the `current` count where it is below the maximum). */
  vcpu: number | null;
  /** The memory allocation (`<memory>`), and what the guest is given now (`<currentMemory>`). */
  memoryKiB: number | null;
  currentMemoryKiB?: number | null;
  /** The persistent definition's values (`dumpxml --inactive`); for a running domain they are what
   * its next boot gets, and a hand change made with `--config` shows only here. Absent in facts
   * stored before pytin read it. */
  config?: DomainConfig;
  disks: DomainDisk[];
  interfaces: DomainInterface[];
  /** Elements under <metadata> in the pytin namespace, or null when there are none. */
  pytin: MetadataElement[] | null;
}

export interface DomainConfig {
  vcpu: number | null;
  memoryKiB: number | null;
  currentMemoryKiB: number | null;
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
