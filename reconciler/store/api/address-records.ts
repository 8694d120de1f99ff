import { addressUse } from '../../../inventory/model/pool-layout.js';
import { vrfScopedIp } from '../../../inventory/model/vrf-scoped-ip.js';
import { formatIp, type IpAddress, type IpNetwork, parseIp } from '../../../schemas/formats/ip.js';
import type { AddressSighting } from './api-reads.js';
import { type AppliedModel, compareAddresses } from './applied-model.js';

export type AddressStatus = 'allocated' | 'free' | 'reserved' | 'seen-unallocated';
export const ADDRESS_STATUSES: readonly AddressStatus[] = ['allocated', 'free', 'reserved', 'seen-unallocated'];

/** One address joined with what the network showed of it. */
export interface AddressRecord {
  address: string;
  version: 4 | 6;
  status: AddressStatus;
  pool: string | null;
  /** The VRF it is held in; null: the global table (or, for a seen or free address, not known). */
  vrf: string | null;
  /** `vm/web-01/eth0`, `server/hv-01/eno1`, `pool/p/reservation`, `server/x/shaping`; null when nobody holds it. */
  holder: string | null;
  tenant: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  mac: string | null;
  /** The switch and port where its MAC was last seen, when a switch saw it. */
  seenAt: { device: string; port: string | null; vlan: number | null } | null;
}

/** An address pytin knows without enumerating a pool: held in git, or seen on the network. */
interface KnownAddress {
  parsed: IpAddress;
  ip: string;
  status: Exclude<AddressStatus, 'free'>;
  pool: string | null;
  vrf: string | null;
  holder: string | null;
  tenant: string | null;
}

function poolContaining(model: AppliedModel, address: IpAddress, vrf: string | null): string | null {
  for (const [name, pool] of model.pools) {
    if ((pool.spec.vrf ?? null) !== vrf) continue;
    const n = pool.layout?.network;
    if (n && n.version === address.version && address.value >= n.first && address.value <= n.last) return name;
  }
  return null;
}

/** The VRF a sighting is in: ARP is per device, and a switch's agent answers with the table of its
 * snmp.vrf (absent: the global table). The API keeps the newest sighting per address, so an address
 * seen in two VRFs shows only where it was seen last. */
function sightingVrf(model: AppliedModel, seen: AddressSighting): string | null {
  return model.switches.get(seen.device)?.snmp?.vrf ?? null;
}

/** The sighting of an address in one VRF, if the newest sighting of it was there. */
export function sightingIn(model: AppliedModel, sightings: ReadonlyMap<string, AddressSighting>, ip: string, vrf: string | null): AddressSighting | undefined {
  const seen = sightings.get(ip);
  return seen && sightingVrf(model, seen) === vrf ? seen : undefined;
}

/** Every held address and every address seen but held by nobody, sorted by (version, value).
 * Depends only on the commit and the sightings, so a server computes it once per state. */
export function knownAddresses(model: AppliedModel, sightings: ReadonlyMap<string, AddressSighting>): KnownAddress[] {
  const out: KnownAddress[] = model.held.map((h) => ({
    parsed: h.parsed,
    ip: h.ip,
    status: h.status,
    pool: h.pool,
    vrf: h.vrf,
    holder: h.holder,
    tenant: h.tenant,
  }));
  const heldKeys = new Set(model.held.map((h) => vrfScopedIp(h.ip, h.vrf ?? undefined)));
  for (const [ip, seen] of sightings) {
    const vrf = sightingVrf(model, seen);
    if (heldKeys.has(vrfScopedIp(ip, vrf ?? undefined))) continue;
    const parsed = parseIp(ip);
    if (!parsed) continue;
    out.push({ parsed, ip, status: 'seen-unallocated', pool: poolContaining(model, parsed, vrf), vrf, holder: null, tenant: null });
  }
  // Stable: the same address held in several VRFs keeps the model's VRF order.
  return out.sort((a, b) => compareAddresses(a.parsed, b.parsed));
}

export interface AddressQuery {
  address?: IpAddress;
  prefix?: IpNetwork;
  pool?: string;
  tenant?: string;
  /** Absent: every known address (held or seen); `free` enumerates the pools' free addresses. */
  status?: AddressStatus;
  /** Start after this address (the cursor's sort key). */
  after?: IpAddress;
  limit: number;
}

function record(
  k: { ip: string; status: AddressStatus; pool: string | null; vrf: string | null; holder: string | null; tenant: string | null },
  version: 4 | 6,
  seen: AddressSighting | undefined,
): AddressRecord {
  return {
    address: k.ip,
    version,
    status: k.status,
    pool: k.pool,
    vrf: k.vrf,
    holder: k.holder,
    tenant: k.tenant,
    firstSeen: seen ? new Date(seen.firstSeen).toISOString() : null,
    lastSeen: seen ? new Date(seen.lastSeen).toISOString() : null,
    mac: seen?.mac ?? null,
    seenAt: seen ? { device: seen.device, port: seen.port, vlan: seen.vlan } : null,
  };
}

function inPrefix(a: IpAddress, prefix: IpNetwork | undefined): boolean {
  return !prefix || (a.version === prefix.version && a.value >= prefix.first && a.value <= prefix.last);
}

/** One page of addresses in (version, value) order, and the sort key to continue after (null: the end). */
export function listAddresses(
  model: AppliedModel,
  known: readonly KnownAddress[],
  sightings: ReadonlyMap<string, AddressSighting>,
  query: AddressQuery,
): { items: AddressRecord[]; next: IpAddress | null } {
  if (query.status === 'free') return listFree(model, sightings, query);
  // Binary search for the first address after the cursor.
  let lo = 0;
  let hi = known.length;
  if (query.after) {
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareAddresses(known[mid]!.parsed, query.after) <= 0) lo = mid + 1;
      else hi = mid;
    }
  } else lo = 0;
  const items: AddressRecord[] = [];
  let last: IpAddress | null = null;
  for (let i = lo; i < known.length; i++) {
    const k = known[i]!;
    if (query.address && compareAddresses(k.parsed, query.address) !== 0) continue;
    if (!inPrefix(k.parsed, query.prefix)) continue;
    if (query.pool !== undefined && k.pool !== query.pool) continue;
    if (query.tenant !== undefined && k.tenant !== query.tenant) continue;
    if (query.status !== undefined && k.status !== query.status) continue;
    // The cursor is an address: a page never ends between the copies of one address held in several
    // VRFs (it may then run over the limit by the number of VRFs less one).
    if (items.length >= query.limit && (last === null || compareAddresses(k.parsed, last) !== 0)) return { items, next: last };
    items.push(record(k, k.parsed.version, sightingIn(model, sightings, k.ip, k.vrf)));
    last = k.parsed;
  }
  return { items, next: null };
}

/** Free addresses: usable in a pool, held by nobody and never seen. Enumerated lazily from the
 * cursor (an IPv6 pool has 2^64 of them), pool by pool in address order (pools never overlap). */
function listFree(
  model: AppliedModel,
  sightings: ReadonlyMap<string, AddressSighting>,
  query: AddressQuery,
): { items: AddressRecord[]; next: IpAddress | null } {
  const items: AddressRecord[] = [];
  if (query.tenant !== undefined) return { items, next: null }; // a free address belongs to no tenant
  // Pools of different VRFs may overlap, and the cursor is an address: without a pool named, only
  // the global table's pools (which never overlap) are enumerated; a VRF pool's free addresses are
  // listed with pool=NAME.
  const pools = [...model.pools]
    .filter(([name, p]) => p.layout && (query.pool === undefined ? p.spec.vrf === undefined : name === query.pool))
    .sort(([, a], [, b]) =>
      compareAddresses(
        { version: a.layout!.network.version, value: a.layout!.network.first },
        { version: b.layout!.network.version, value: b.layout!.network.first },
      ),
    );
  let last: IpAddress | null = null;
  for (const [name, pool] of pools) {
    const layout = pool.layout!;
    const version = layout.network.version;
    let from = layout.allocatable.first;
    let to = layout.allocatable.last;
    if (query.after) {
      // A cursor of the other version excludes the pool entirely (IPv6 after IPv4) or not at all.
      if (query.after.version > version) continue;
      if (query.after.version === version && query.after.value >= from) from = query.after.value + 1n;
    }
    if (query.address) {
      if (query.address.version !== version) continue;
      if (query.address.value > from) from = query.address.value;
      if (query.address.value < to) to = query.address.value;
    }
    if (query.prefix) {
      if (query.prefix.version !== version) continue;
      if (query.prefix.first > from) from = query.prefix.first;
      if (query.prefix.last < to) to = query.prefix.last;
    }
    for (let v = from; v <= to; v++) {
      const use = addressUse(layout, v);
      if (use === 'reserved') {
        // Jump over the whole reserved range.
        const range = layout.reserved.find((r) => v >= r.first && v <= r.last);
        if (range) v = range.last;
        continue;
      }
      if (use !== 'usable') continue;
      const parsed: IpAddress = { version, value: v };
      const ip = formatIp(parsed);
      if (model.heldByIp.has(ip) || sightings.has(ip)) continue;
      if (items.length === query.limit) return { items, next: last };
      items.push(record({ ip, status: 'free', pool: name, vrf: layout.pool.spec.vrf ?? null, holder: null, tenant: null }, version, undefined));
      last = parsed;
    }
  }
  return { items, next: null };
}
