import { formatIp, parseIp } from '../../schemas/formats/ip.js';
import type { Address } from '../core/address.js';
import type { IpHolding } from './desired-state.js';
import type { DeviceSpec, IPPoolSpec, RackSpec, ResourceSpec, ServerSpec, VMSpec, VRFSpec } from './specs.js';

/** What the holdings are derived from: a DesiredState, or the state an apply recorded (the API). */
export interface TenantHoldingsSource {
  resources: ReadonlyMap<Address, { address: Address; kind: string; spec: ResourceSpec }>;
  ipHoldings: ReadonlyMap<string, Pick<IpHolding, 'ip' | 'holder' | 'resource' | 'vrf'>>;
}

function resourcesOfKind<S extends ResourceSpec>(source: TenantHoldingsSource, kind: S['kind']): Array<{ address: Address; spec: S }> {
  const out: Array<{ address: Address; spec: S }> = [];
  for (const resource of source.resources.values()) if (resource.kind === kind) out.push({ address: resource.address, spec: resource.spec as S });
  return out;
}

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
  /** Pools rented whole (customer networks, routed subnets with the server they are routed to), with
   * their VRF (null: the global table). */
  networks: Array<{ pool: Address; cidr: string; vrf: string | null; routedTo: Address | null }>;
  /** VRFs kept for the tenant (its private routing tables). */
  vrfs: Address[];
  /** Single addresses: those of the tenant's servers, VMs and devices, its pool reservations and its
   * per-address limits on shared hosts, each with its VRF (null: the global table; the same address
   * may be held once per VRF). Sorted by holder. */
  addresses: Array<{ ip: string; vrf: string | null; holder: Address }>;
}

function canonicalIp(text: string): string {
  const parsed = parseIp(text);
  return parsed ? formatIp(parsed) : text;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A tenant's holdings in the desired state (empty lists for a tenant that rents nothing). Pure. */
export function tenantHoldings(state: TenantHoldingsSource, tenant: string): TenantHoldings {
  const servers = resourcesOfKind<ServerSpec>(state, 'Server').filter((s) => s.spec.tenant === tenant);
  const vms = resourcesOfKind<VMSpec>(state, 'VM').filter((v) => v.spec.tenant === tenant);
  const devices = resourcesOfKind<DeviceSpec>(state, 'Device').filter((d) => d.spec.tenant === tenant);
  const racks = resourcesOfKind<RackSpec>(state, 'Rack');
  const pools = resourcesOfKind<IPPoolSpec>(state, 'IPPool');
  // Holders whose every address is the tenant's: its servers, VMs and devices.
  const owners = new Set<string>([...servers, ...vms, ...devices].map((r) => r.address));
  const addresses: TenantHoldings['addresses'] = [];
  for (const holding of state.ipHoldings.values()) {
    if (owners.has(holding.resource)) addresses.push({ ip: holding.ip, vrf: holding.vrf ?? null, holder: holding.holder });
  }
  for (const pool of pools)
    for (const reservation of pool.spec.reservations ?? [])
      if (reservation.tenant === tenant) addresses.push({ ip: canonicalIp(reservation.ip), vrf: pool.spec.vrf ?? null, holder: `${pool.address}/reservation` });
  for (const server of resourcesOfKind<ServerSpec>(state, 'Server'))
    for (const limit of server.spec.shaping?.limits ?? [])
      if (limit.tenant === tenant && !owners.has(server.address))
        // The limit's own vrf; one left implicit (found from the pools) shows as the global table.
        addresses.push({ ip: canonicalIp(limit.ip), vrf: limit.vrf ?? null, holder: `${server.address}/shaping` });
  addresses.sort((a, b) => byText(a.holder, b.holder) || byText(a.ip, b.ip) || byText(a.vrf ?? '', b.vrf ?? ''));
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
    vrfs: names(resourcesOfKind<VRFSpec>(state, 'VRF').filter((v) => v.spec.tenant === tenant)),
    networks: pools
      .filter((p) => p.spec.tenant === tenant)
      .map((p) => ({ pool: p.address, cidr: p.spec.cidr, vrf: p.spec.vrf ?? null, routedTo: p.spec.routed?.server ? `server/${p.spec.routed.server}` : null }))
      .sort((a, b) => byText(a.pool, b.pool)),
    addresses,
  };
}
