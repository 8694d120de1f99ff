import { formatIp, parseIp } from '../../schemas/formats/ip.js';
import type { Address } from '../core/address.js';
import { type DesiredState, resourcesOfKind } from './desired-state.js';
import type { DeviceSpec, IPPoolSpec, RackSpec, ServerSpec, VMSpec } from './specs.js';

/** Everything a tenant rents, as billing asks "what does tenant X rent" (the API and the web view
 * serve this; it is the one place that knows where a tenant can be written). */
export interface TenantHoldings {
  tenant: string;
  /** Dedicated servers. */
  servers: Address[];
  vms: Address[];
  /** Whole racks (colocation). */
  racks: Address[];
  /** Units of a rack rented to the tenant (a colocation half-rack). */
  rackUnits: Array<{ rack: Address; from: number; to: number; face: 'front' | 'rear' | null; reason: string }>;
  /** PDUs, firewalls, ... the tenant owns or rents. */
  devices: Address[];
  /** Pools rented whole (customer networks, routed subnets with the server they are routed to). */
  networks: Array<{ pool: Address; cidr: string; routedTo: Address | null }>;
  /** Single addresses: those of the tenant's servers, VMs and devices, its pool reservations and its
   * per-address limits on shared hosts. Sorted by holder. */
  addresses: Array<{ ip: string; holder: Address }>;
}

function canonicalIp(text: string): string {
  const parsed = parseIp(text);
  return parsed ? formatIp(parsed) : text;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A tenant's holdings in the desired state (empty lists for a tenant that rents nothing). Pure. */
export function tenantHoldings(state: DesiredState, tenant: string): TenantHoldings {
  const servers = resourcesOfKind<ServerSpec>(state, 'Server').filter((s) => s.spec.tenant === tenant);
  const vms = resourcesOfKind<VMSpec>(state, 'VM').filter((v) => v.spec.tenant === tenant);
  const devices = resourcesOfKind<DeviceSpec>(state, 'Device').filter((d) => d.spec.tenant === tenant);
  const racks = resourcesOfKind<RackSpec>(state, 'Rack');
  const pools = resourcesOfKind<IPPoolSpec>(state, 'IPPool');
  // Holders whose every address is the tenant's: its servers, VMs and devices.
  const owners = new Set<string>([...servers, ...vms, ...devices].map((r) => r.address));
  const addresses: TenantHoldings['addresses'] = [];
  for (const holding of state.ipHoldings.values()) {
    if (owners.has(holding.resource)) addresses.push({ ip: holding.ip, holder: holding.holder });
  }
  for (const pool of pools)
    for (const reservation of pool.spec.reservations ?? [])
      if (reservation.tenant === tenant) addresses.push({ ip: canonicalIp(reservation.ip), holder: `${pool.address}/reservation` });
  for (const server of resourcesOfKind<ServerSpec>(state, 'Server'))
    for (const limit of server.spec.shaping?.limits ?? [])
      if (limit.tenant === tenant && !owners.has(server.address)) addresses.push({ ip: canonicalIp(limit.ip), holder: `${server.address}/shaping` });
  addresses.sort((a, b) => byText(a.holder, b.holder) || byText(a.ip, b.ip));
  const rackUnits: TenantHoldings['rackUnits'] = [];
  for (const rack of racks)
    for (const r of rack.spec.reservations ?? [])
      if (r.tenant === tenant) rackUnits.push({ rack: rack.address, from: r.from, to: r.to, face: r.face ?? null, reason: r.reason });
  const names = (list: Array<{ address: Address }>) => list.map((r) => r.address).sort(byText);
  return {
    tenant,
    servers: names(servers),
    vms: names(vms),
    racks: names(racks.filter((r) => r.spec.tenant === tenant)),
    rackUnits,
    devices: names(devices),
    networks: pools
      .filter((p) => p.spec.tenant === tenant)
      .map((p) => ({ pool: p.address, cidr: p.spec.cidr, routedTo: p.spec.routed?.server ? `server/${p.spec.routed.server}` : null }))
      .sort((a, b) => byText(a.pool, b.pool)),
    addresses,
  };
}
