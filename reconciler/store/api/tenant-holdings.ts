import type { BandwidthLimitsSpec } from '../../../inventory/model/specs.js';
import { tenantHoldings as inventoryTenantHoldings } from '../../../inventory/model/tenant-holdings.js';
import type { AppliedModel, HeldAddress } from './applied-model.js';

/** A bandwidth limit a tenant is billed for: on one of its VMs' interfaces, or per address on a
 * shared host. */
export interface TenantLimit {
  /** `vm/web-01/eth0` or `server/backup-01/shaping/203.0.113.20`. */
  on: string;
  bandwidth: BandwidthLimitsSpec;
}

/** What a tenant holds at one commit, by name (the API names resources without their kind). */
export interface TenantHoldings {
  vms: string[];
  /** Dedicated servers. */
  servers: string[];
  /** Whole racks (colocation). */
  racks: string[];
  /** Units of a rack (a colocation half-rack). */
  rackUnits: Array<{ rack: string; from: number; to: number; face: 'front' | 'rear' | null; reason: string }>;
  /** PDUs, firewalls, ... the tenant owns or rents. */
  devices: string[];
  /** Pools rented whole and subnets routed whole (with the server they are routed to). */
  networks: Array<{ pool: string; cidr: string; vrf: string | null; routedTo: string | null }>;
  vrfs: string[];
  addresses: HeldAddress[];
  limits: TenantLimit[];
  /** Backup policies on the tenant's VMs, or labelled `tenant: NAME`. */
  backups: string[];
}

const nameOf = (address: string): string => address.slice(address.indexOf('/') + 1);
const holdingKey = (holder: string, ip: string, vrf: string | null) => `${holder}\u0000${ip}\u0000${vrf ?? ''}`;

/** Per model: its held addresses by (holder, address, VRF), built once (a commit's model never changes). */
const heldIndexOf = new WeakMap<AppliedModel, Map<string, HeldAddress>>();

function heldIndex(model: AppliedModel): Map<string, HeldAddress> {
  let index = heldIndexOf.get(model);
  if (!index) heldIndexOf.set(model, (index = new Map(model.held.map((h) => [holdingKey(h.holder, h.ip, h.vrf), h]))));
  return index;
}

/** What a tenant holds, as inventory/model/tenant-holdings.ts derives it from the applied commit
 * (the one place that knows where a tenant can be written: servers, racks and units, devices, pools
 * and routed subnets, VRFs, VMs and single addresses), plus what billing reads beside it: the
 * bandwidth limits of its VMs and shaping limits, and its backup policies. */
export function tenantHoldings(model: AppliedModel, tenant: string): TenantHoldings {
  const derived = inventoryTenantHoldings(model.desired, tenant);
  const vms = derived.vms.map(nameOf);
  const vmSet = new Set(vms);
  const limits: TenantLimit[] = [];
  for (const name of vms) {
    for (const iface of model.vms.get(name)?.interfaces ?? []) if (iface.bandwidth) limits.push({ on: `vm/${name}/${iface.name}`, bandwidth: iface.bandwidth });
  }
  for (const [server, spec] of model.servers) {
    for (const limit of spec.shaping?.limits ?? [])
      if (limit.tenant === tenant) limits.push({ on: `server/${server}/shaping/${limit.ip}`, bandwidth: limit.bandwidth });
  }
  const backups = [...model.backupPolicies].filter(([, p]) => vmSet.has(p.host) || p.labels?.tenant === tenant).map(([name]) => name);
  const index = heldIndex(model);
  const addresses = derived.addresses.map((a) => index.get(holdingKey(a.holder, a.ip, a.vrf))).filter((h): h is HeldAddress => h !== undefined); // in the derived order: by holder, then address
  return {
    vms,
    servers: derived.servers.map(nameOf),
    racks: derived.racks.map(nameOf),
    rackUnits: derived.rackUnits.map((u) => ({ ...u, rack: nameOf(u.rack) })),
    devices: derived.devices.map(nameOf),
    networks: derived.networks.map((n) => ({ pool: nameOf(n.pool), cidr: n.cidr, vrf: n.vrf, routedTo: n.routedTo === null ? null : nameOf(n.routedTo) })),
    vrfs: derived.vrfs.map(nameOf),
    addresses,
    limits,
    backups,
  };
}
