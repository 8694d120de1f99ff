import type { Desired } from '../../../inventory/model/desired-state.js';
import { type PoolLayout, poolLayout } from '../../../inventory/model/pool-layout.js';
import type {
  BackupPolicySpec,
  DeviceSpec,
  IPPoolSpec,
  RackSpec,
  ResourceSpec,
  ServerSpec,
  SwitchSpec,
  TenantSpec,
  VMSpec,
} from '../../../inventory/model/specs.js';
import type { TenantHoldingsSource } from '../../../inventory/model/tenant-holdings.js';
import { vrfScopedIp } from '../../../inventory/model/vrf-scoped-ip.js';
import { type IpAddress, parseIp } from '../../../schemas/formats/ip.js';

/** One address the applied inventory holds: by a VM or server interface, a shaping limit, or a
 * pool's reservation. */
export interface HeldAddress {
  ip: string;
  parsed: IpAddress;
  /** `vm/web-01/eth0`, `server/hv-01/eno1`, `server/x/shaping`, `pool/p/reservation`. */
  holder: string;
  pool: string | null;
  /** The VRF it is held in; null: the global table. */
  vrf: string | null;
  status: 'allocated' | 'reserved';
  tenant: string | null;
}

/** The desired state of one applied commit, indexed for the API. Built once per commit from the
 * JSON the apply recorded, and immutable afterwards (a commit's applied state never changes), so
 * it is shared by every request that reads that commit. */
export interface AppliedModel {
  commit: string;
  appliedAt: number;
  tenants: Map<string, TenantSpec>;
  vms: Map<string, VMSpec>;
  servers: Map<string, ServerSpec>;
  switches: Map<string, SwitchSpec>;
  /** Racked devices pytin does not connect to (PDUs, patch panels, firewalls): the web view's rack elevations. */
  devices: Map<string, DeviceSpec>;
  racks: Map<string, RackSpec>;
  pools: Map<string, { spec: IPPoolSpec; layout: PoolLayout | undefined }>;
  backupPolicies: Map<string, BackupPolicySpec>;
  /** The recorded resources and holdings as inventory/model/tenant-holdings.ts reads them. */
  desired: TenantHoldingsSource;
  /** Every held address, sorted by (version, value, VRF): the order of /v1/ip-addresses. */
  held: HeldAddress[];
  /** By address, whatever its VRF: what free and seen-only listings skip (an address held in any
   * VRF is never listed free, as the API does not know which VRF a sighting was in). */
  heldByIp: Map<string, HeldAddress>;
  /** Per pool, its own holdings by address: a pool map counts only its VRF's holders, as /v1/pools does. */
  heldByPool: Map<string, Map<string, HeldAddress>>;
}

interface RecordedDesired {
  resources: Array<{ address: string; kind: string; name: string; spec: ResourceSpec }>;
  ips: Array<{ ip: string; holder: string; pool: string | null; vrf?: string }>;
}

export function compareAddresses(a: IpAddress, b: IpAddress): number {
  if (a.version !== b.version) return a.version - b.version;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function byKind<S extends ResourceSpec>(recorded: RecordedDesired, kind: S['kind']): Map<string, S> {
  const out = new Map<string, S>();
  for (const r of recorded.resources) if (r.kind === kind) out.set(r.name, r.spec as S);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The tenant an address is held for: a VM's tenant, a dedicated server's or a device's (every
 * address it holds), a reservation's or a shaping limit's (on a server rented to nobody). A switch's
 * addresses, and those of a server rented to nobody, belong to no tenant. The same rule as
 * inventory/model/tenant-holdings.ts. */
function tenantOf(holder: string, ip: string, model: Pick<AppliedModel, 'vms' | 'servers' | 'pools' | 'devices'>): string | null {
  const [kind, name, part] = holder.split('/');
  if (kind === 'vm') return model.vms.get(name ?? '')?.tenant ?? null;
  if (kind === 'device') return model.devices.get(name ?? '')?.tenant ?? null;
  const rentedTo = kind === 'server' ? model.servers.get(name ?? '')?.tenant : undefined;
  if (rentedTo !== undefined) return rentedTo;
  if (kind === 'pool' && part === 'reservation')
    return model.pools.get(name ?? '')?.spec.reservations?.find((r) => parseIp(r.ip) && same(r.ip, ip))?.tenant ?? null;
  if (kind === 'server' && part === 'shaping') return model.servers.get(name ?? '')?.shaping?.limits?.find((l) => same(l.ip, ip))?.tenant ?? null;
  return null;
}

function same(written: string, canonical: string): boolean {
  const a = parseIp(written);
  const b = parseIp(canonical);
  return a !== undefined && b !== undefined && compareAddresses(a, b) === 0;
}

/** Builds the model of a commit from the desired-state JSON its apply recorded. */
export function appliedModel(commit: string, appliedAt: number, desiredJson: string): AppliedModel {
  const recorded = JSON.parse(desiredJson) as RecordedDesired;
  const poolSpecs = byKind<IPPoolSpec>(recorded, 'IPPool');
  const pools = new Map(
    [...poolSpecs].map(([name, spec]) => {
      const desired = { address: `pool/${name}`, kind: 'IPPool', name, spec } as unknown as Desired<IPPoolSpec>;
      return [name, { spec, layout: poolLayout(desired) }] as const;
    }),
  );
  const base = {
    commit,
    appliedAt,
    tenants: byKind<TenantSpec>(recorded, 'Tenant'),
    vms: byKind<VMSpec>(recorded, 'VM'),
    servers: byKind<ServerSpec>(recorded, 'Server'),
    switches: byKind<SwitchSpec>(recorded, 'Switch'),
    devices: byKind<DeviceSpec>(recorded, 'Device'),
    racks: byKind<RackSpec>(recorded, 'Rack'),
    pools,
    backupPolicies: byKind<BackupPolicySpec>(recorded, 'BackupPolicy'),
  };
  const desired: TenantHoldingsSource = {
    resources: new Map(recorded.resources.map((r) => [r.address, r])),
    ipHoldings: new Map(
      recorded.ips.map((h) => [vrfScopedIp(h.ip, h.vrf), { ip: h.ip, holder: h.holder, resource: h.holder.split('/').slice(0, 2).join('/'), vrf: h.vrf }]),
    ),
  };
  const held: HeldAddress[] = [];
  for (const h of recorded.ips) {
    const parsed = parseIp(h.ip);
    if (!parsed) continue;
    held.push({
      ip: h.ip,
      parsed,
      holder: h.holder,
      pool: h.pool,
      vrf: h.vrf ?? null,
      status: h.holder.startsWith('pool/') ? 'reserved' : 'allocated',
      tenant: tenantOf(h.holder, h.ip, base),
    });
  }
  held.sort((a, b) => compareAddresses(a.parsed, b.parsed) || ((a.vrf ?? '') < (b.vrf ?? '') ? -1 : (a.vrf ?? '') > (b.vrf ?? '') ? 1 : 0));
  const heldByPool = new Map<string, Map<string, HeldAddress>>();
  for (const h of held) {
    if (h.pool === null) continue;
    const mine = heldByPool.get(h.pool) ?? new Map<string, HeldAddress>();
    mine.set(h.ip, h);
    heldByPool.set(h.pool, mine);
  }
  return { ...base, desired, held, heldByIp: new Map(held.map((h) => [h.ip, h])), heldByPool };
}
