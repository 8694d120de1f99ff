import type { JsonValue } from '../../../../inventory/core/json-value.js';
import type { BandwidthSetting, DomainConfig, DomainFacts } from '../domain-facts.js';
import { type OwnershipRecord, readOwnership } from '../ownership.js';
import { type RateLimit, rateLimitJson } from './domain-spec.js';
import type { HostStrategy } from './install-strategy.js';

export interface ObservedDisk {
  /** Null when the disk is not a pool volume (a file, a block device). */
  pool: string | null;
  /** The volume name, or the file or device path. */
  volume: string | null;
  bus: string | null;
  target: string | null;
  /** From pytin's record (domain XML does not say); null when unknown. */
  sizeBytes: number | null;
}

export interface ObservedInterface {
  mac: string | null;
  bridge: string | null;
  inbound: RateLimit | null;
  outbound: RateLimit | null;
}

/** A domain as the planner compares it with a VM. */
export interface ObservedDomain {
  facts: DomainFacts;
  ownership: OwnershipRecord | null;
  /** What the persistent definition holds (what the next boot gets), so a change pytin made there
   * with a restart pending is not planned again, and a hand change made there is seen. */
  vcpus: number | null;
  memoryKiB: number | null;
  disks: ObservedDisk[];
  interfaces: ObservedInterface[];
}

/** libvirt omits zero attributes and treats a zero average as "no limit". */
export function rateFromFacts(setting: BandwidthSetting | null): RateLimit | null {
  if (!setting || !setting.averageKiBps) return null;
  return { average: setting.averageKiBps, peak: setting.peakKiBps || null, burst: setting.burstKiB || null };
}

/** The memory a definition gives its guest: `<currentMemory>` where it was set below the
 * allocation (by `setmem`), else the allocation. pytin sets both to the VM's memory. */
export function guestMemoryKiB(config: DomainConfig): number | null {
  return config.currentMemoryKiB !== null && config.currentMemoryKiB !== config.memoryKiB ? config.currentMemoryKiB : config.memoryKiB;
}

export function observeDomain(facts: DomainFacts): ObservedDomain {
  const ownership = readOwnership(facts.pytin);
  const applied = ownership?.applied ?? null;
  const running = facts.state !== 'shut-off';
  const disks = facts.disks
    .filter((d) => d.device === 'disk')
    .map((d): ObservedDisk => {
      const slash = d.type === 'volume' && d.source ? d.source.indexOf('/') : -1;
      const pool = slash > 0 ? d.source!.slice(0, slash) : null;
      const volume = slash > 0 ? d.source!.slice(slash + 1) : d.source;
      const recorded = applied?.disks.find((r) => r.pool === pool && r.volume === volume);
      return { pool, volume, bus: d.bus, target: d.target, sizeBytes: recorded?.sizeBytes ?? null };
    });
  return {
    facts,
    ownership,
    // The persistent definition when it was read; facts stored before that fall back to pytin's
    // record for a running domain (its live values are the boot-time ones).
    vcpus: facts.config ? facts.config.vcpu : running && applied ? applied.vcpus : facts.vcpu,
    memoryKiB: facts.config ? guestMemoryKiB(facts.config) : running && applied ? applied.memoryKiB : facts.memoryKiB,
    disks,
    interfaces: facts.interfaces.map((i) => ({
      mac: i.mac,
      bridge: i.bridge,
      inbound: rateFromFacts(i.bandwidth.inbound),
      outbound: rateFromFacts(i.bandwidth.outbound),
    })),
  };
}

/** The `before` of a change: what is on the host, no secrets (there are none in a domain). */
export function observedDomainJson(observed: ObservedDomain, host: string, uri: string | null, strategy: HostStrategy | null): JsonValue {
  const { facts, ownership } = observed;
  return {
    name: facts.name,
    address: ownership?.address ?? `vm/${facts.name}`,
    hypervisor: host,
    uri,
    strategy: strategy ? { install: strategy.install, provisionVolumes: strategy.provisionVolumes } : null,
    state: facts.state,
    owner: ownership ? { owner: 'pytin', commit: ownership.commit, tenant: ownership.tenant } : null,
    protected: ownership?.protected ?? false,
    vcpus: observed.vcpus,
    memoryKiB: observed.memoryKiB,
    disks: observed.disks.map((d) => ({ pool: d.pool, volume: d.volume, bus: d.bus, target: d.target, sizeBytes: d.sizeBytes })),
    interfaces: observed.interfaces.map((i) => ({ mac: i.mac, bridge: i.bridge, inbound: rateLimitJson(i.inbound), outbound: rateLimitJson(i.outbound) })),
  };
}
