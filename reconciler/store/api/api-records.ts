import { poolDatacenters } from '../../../inventory/model/pool-datacenters.js';
import type { BandwidthLimitsSpec } from '../../../inventory/model/specs.js';
import { sightingIn } from './address-records.js';
import type { AddressSighting } from './api-reads.js';
import type { AppliedModel } from './applied-model.js';
import { poolUsages } from './pool-usage.js';
import { type TenantHoldings, tenantHoldings } from './tenant-holdings.js';

/** The records the API serves and `pytin show` prints: the applied desired state joined with
 * what was observed. Fields are chosen one by one: specs also hold secret references, connection
 * settings and install sources, none of which a reader of the API needs. */

/** What the hypervisors showed of a VM: its libvirt domain state, by host. */
export type DomainSightings = ReadonlyMap<string, { host: string; state: string; observedAt: number }>;

/** Domains by name from every hypervisor's stored domain facts (the KVM driver's JSON). */
export function domainSightings(hostFacts: ReadonlyArray<{ host: string; json: string; observedAt: number }>): DomainSightings {
  const out = new Map<string, { host: string; state: string; observedAt: number }>();
  for (const f of hostFacts) {
    const domains = JSON.parse(f.json) as unknown;
    if (!Array.isArray(domains)) continue;
    for (const d of domains as Array<{ name?: unknown; state?: unknown }>) {
      if (typeof d.name === 'string') out.set(d.name, { host: f.host, state: typeof d.state === 'string' ? d.state : 'unknown', observedAt: f.observedAt });
    }
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString();

export interface VmRecord {
  name: string;
  tenant: string;
  hypervisor: string;
  vcpus: number;
  memory: string;
  protected: boolean;
  disks: Array<{ name: string; size: string }>;
  interfaces: Array<{ name: string; mac: string | null; ips: string[]; bandwidth: BandwidthLimitsSpec | null }>;
  observed: { host: string; state: string; observedAt: string } | null;
}

export function vmRecord(model: AppliedModel, name: string, domains: DomainSightings): VmRecord | undefined {
  const vm = model.vms.get(name);
  if (!vm) return undefined;
  const seen = domains.get(name);
  return {
    name,
    tenant: vm.tenant,
    hypervisor: vm.hypervisor,
    vcpus: vm.vcpus,
    memory: vm.memory,
    protected: vm.protected,
    disks: vm.disks.map((d) => ({ name: d.name, size: d.size })),
    interfaces: vm.interfaces.map((i) => ({ name: i.name, mac: i.mac ?? null, ips: i.ips ?? [], bandwidth: i.bandwidth ?? null })),
    observed: seen ? { host: seen.host, state: seen.state, observedAt: iso(seen.observedAt) } : null,
  };
}

export interface ServerRecord {
  name: string;
  rack: string;
  position: number;
  height: number;
  roles: string[];
  serial: string | null;
  model: string | null;
  interfaces: Array<{ name: string; mac: string | null; speed: string | null; cabledTo: { switch: string; port: string } | null; ips: string[] }>;
}

export function serverRecord(model: AppliedModel, name: string): ServerRecord | undefined {
  const s = model.servers.get(name);
  if (!s) return undefined;
  return {
    name,
    rack: s.placement.rack,
    position: s.placement.position,
    height: s.placement.height,
    roles: s.roles ?? [],
    serial: s.serial ?? null,
    model: s.model ?? null,
    interfaces: (s.interfaces ?? []).map((i) => ({
      name: i.name,
      mac: i.mac ?? null,
      speed: i.speed ?? null,
      cabledTo: i.cabledTo ? { switch: i.cabledTo.switch, port: i.cabledTo.port } : null,
      ips: i.ips ?? [],
    })),
  };
}

export interface RackRecord {
  name: string;
  datacenter: string;
  row: string | null;
  units: number;
  usedUnits: number;
  /** Unit 1 first; each unit names what occupies it. */
  layout: Array<{ unit: number; occupant: { kind: 'server' | 'switch'; name: string } | null }>;
}

export function rackRecord(model: AppliedModel, name: string): RackRecord | undefined {
  const rack = model.racks.get(name);
  if (!rack) return undefined;
  const layout: RackRecord['layout'] = Array.from({ length: rack.units }, (_, i) => ({ unit: i + 1, occupant: null }));
  const place = (kind: 'server' | 'switch', device: string, p: { rack: string; position: number; height: number }) => {
    if (p.rack !== name) return;
    for (let u = p.position; u < p.position + p.height; u++) if (u >= 1 && u <= rack.units) layout[u - 1] = { unit: u, occupant: { kind, name: device } };
  };
  for (const [n, s] of model.servers) place('server', n, s.placement);
  for (const [n, s] of model.switches) place('switch', n, s.placement);
  return { name, datacenter: rack.datacenter, row: rack.row ?? null, units: rack.units, usedUnits: layout.filter((u) => u.occupant).length, layout };
}

export interface PoolRecord {
  name: string;
  /** The one datacenter the pool is routed in; null when it is routed in several or in any. */
  datacenter: string | null;
  /** Every datacenter the pool is routed in; empty: any datacenter. */
  datacenters: string[];
  /** The VRF the pool is routed in; null: the global table. */
  vrf: string | null;
  cidr: string;
  range: string | null;
  gateway: string | null;
  vlan: number | null;
  size: string;
  allocated: number;
  reserved: number;
  free: string;
  utilisation: number;
}

export function poolRecords(model: AppliedModel): PoolRecord[] {
  const usages = poolUsages(model);
  return [...model.pools].map(([name, p]) => {
    const u = usages.get(name)!;
    return {
      name,
      datacenter: p.spec.datacenter ?? null,
      datacenters: [...(poolDatacenters(p.spec) ?? [])],
      vrf: p.spec.vrf ?? null,
      cidr: p.spec.cidr,
      range: p.spec.range ?? null,
      gateway: p.spec.gateway ?? null,
      vlan: p.spec.vlan ?? null,
      size: u.size.toString(),
      allocated: u.allocated,
      reserved: u.reserved,
      free: u.free.toString(),
      utilisation: u.utilisation,
    };
  });
}

export interface BackupRecord {
  name: string;
  host: string;
  source: string | null;
  perUserHome: string | null;
  target: string;
  iterations: number;
  keepSequences: number;
  schedule: string;
  /** What the host showed: whether the schedule is installed, and the series reports. */
  observed: { installed: boolean; series: unknown[] | null; observedAt: string } | null;
}

/** Backup policies joined with the backup driver's stored facts of their hosts. */
export function backupRecords(model: AppliedModel, backupFacts: ReadonlyArray<{ host: string; json: string; observedAt: number }>): BackupRecord[] {
  const byHost = new Map(backupFacts.map((f) => [f.host, f]));
  return [...model.backupPolicies].map(([name, p]) => {
    const facts = byHost.get(p.host);
    const policies = facts
      ? ((JSON.parse(facts.json) as { policies?: Array<{ name: string; cron: string | null; series: unknown[] | null }> }).policies ?? [])
      : [];
    const mine = policies.find((x) => x.name === name);
    return {
      name,
      host: p.host,
      source: p.source ?? null,
      perUserHome: p.perUserHome ?? null,
      target: p.target,
      iterations: p.iterations,
      keepSequences: p.keepSequences,
      schedule: p.schedule,
      observed: facts && mine ? { installed: mine.cron !== null, series: mine.series, observedAt: iso(facts.observedAt) } : null,
    };
  });
}

export interface TenantSummary {
  name: string;
  displayName: string | null;
  billingId: string;
  contact: string | null;
  vms: number;
  /** Dedicated servers. */
  servers: number;
  /** Whole racks and rack-unit ranges (colocation). */
  racks: number;
  rackUnitRanges: number;
  devices: number;
  /** Pools rented whole and routed subnets. */
  networks: number;
  addresses: number;
}

export function tenantSummaries(model: AppliedModel): TenantSummary[] {
  return [...model.tenants].map(([name, t]) => {
    const h = tenantHoldings(model, name);
    return {
      name,
      displayName: t.displayName ?? null,
      billingId: t.billingId,
      contact: t.contact ?? null,
      vms: h.vms.length,
      servers: h.servers.length,
      racks: h.racks.length,
      rackUnitRanges: h.rackUnits.length,
      devices: h.devices.length,
      networks: h.networks.length,
      addresses: h.addresses.length,
    };
  });
}

export interface TenantRecord extends TenantSummary {
  vmRecords: VmRecord[];
  serverNames: string[];
  rackNames: string[];
  rackUnits: TenantHoldings['rackUnits'];
  deviceNames: string[];
  networkRecords: TenantHoldings['networks'];
  vrfNames: string[];
  addressRecords: Array<{
    address: string;
    vrf: string | null;
    holder: string;
    status: 'allocated' | 'reserved';
    pool: string | null;
    lastSeen: string | null;
  }>;
  limits: Array<{ on: string; bandwidth: BandwidthLimitsSpec }>;
  backups: BackupRecord[];
}

export function tenantRecord(
  model: AppliedModel,
  name: string,
  joins: {
    domains: DomainSightings;
    sightings: ReadonlyMap<string, AddressSighting>;
    backupFacts: ReadonlyArray<{ host: string; json: string; observedAt: number }>;
  },
): TenantRecord | undefined {
  const summary = tenantSummaries(model).find((t) => t.name === name);
  if (!summary) return undefined;
  const h = tenantHoldings(model, name);
  const backups = new Set(h.backups);
  return {
    ...summary,
    vmRecords: h.vms.map((vm) => vmRecord(model, vm, joins.domains)!),
    serverNames: h.servers,
    rackNames: h.racks,
    rackUnits: h.rackUnits,
    deviceNames: h.devices,
    networkRecords: h.networks,
    vrfNames: h.vrfs,
    addressRecords: h.addresses.map((a) => {
      const seen = sightingIn(model, joins.sightings, a.ip, a.vrf);
      return { address: a.ip, vrf: a.vrf, holder: a.holder, status: a.status, pool: a.pool, lastSeen: seen ? iso(seen.lastSeen) : null };
    }),
    limits: h.limits,
    backups: backupRecords(model, joins.backupFacts).filter((b) => backups.has(b.name)),
  };
}
