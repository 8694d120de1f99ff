import { formatIp, type IpNetwork, type IpRange, parseCidr, parseIp, parseIpRange } from '../../schemas/formats/ip.js';
import type { Desired } from './desired-state.js';
import type { IPPoolSpec } from './specs.js';

/** A pool in numbers: what is routable, what may be handed out, what never may. */
export interface PoolLayout {
  pool: Desired<IPPoolSpec>;
  network: IpNetwork;
  /** The part handed out (the `range`, or the whole network). */
  allocatable: IpRange;
  gateway: bigint | undefined;
  reserved: IpRange[];
  /** IPv4 networks up to /30 have a network and a broadcast address nobody may hold. */
  hasNetworkAndBroadcast: boolean;
  /** IPv6 networks up to /126: the all-zero host is the Subnet-Router anycast address (RFC 4291). */
  hasSubnetRouterAnycast: boolean;
}

export function poolLayout(pool: Desired<IPPoolSpec>): PoolLayout | undefined {
  const network = parseCidr(pool.spec.cidr);
  if (!network) return undefined;
  const range = pool.spec.range ? parseIpRange(pool.spec.range) : undefined;
  const gateway = pool.spec.gateway ? parseIp(pool.spec.gateway) : undefined;
  return {
    pool,
    network,
    allocatable: range ?? { version: network.version, first: network.first, last: network.last },
    gateway: gateway?.version === network.version ? gateway.value : undefined,
    // A range reaching outside the network is reported by the pool rule and ignored here, so it
    // does not make every address of the pool look reserved.
    reserved: (pool.spec.reserved ?? [])
      .map(parseIpRange)
      .filter((r): r is IpRange => r !== undefined && r.version === network.version && r.first >= network.first && r.last <= network.last),
    hasNetworkAndBroadcast: network.version === 4 && network.prefixLength <= 30,
    hasSubnetRouterAnycast: network.version === 6 && network.prefixLength <= 126,
  };
}

export type AddressUse = 'usable' | 'network' | 'broadcast' | 'gateway' | 'reserved';

/** Why an address inside the pool's network may or may not be held. `reserved`: the reserved
 * ranges that can hold the address (reserved-lookup.ts hands the one its index finds), by default
 * all of the pool's. */
export function addressUse(layout: PoolLayout, value: bigint, reserved: readonly IpRange[] = layout.reserved): AddressUse {
  if ((layout.hasNetworkAndBroadcast || layout.hasSubnetRouterAnycast) && value === layout.network.first) return 'network';
  if (layout.hasNetworkAndBroadcast && value === layout.network.last) return 'broadcast';
  if (layout.gateway === value) return 'gateway';
  if (reserved.some((r) => value >= r.first && value <= r.last)) return 'reserved';
  return 'usable';
}

export function describeNetwork(layout: PoolLayout): string {
  return `${formatIp({ version: layout.network.version, value: layout.network.first })}/${layout.network.prefixLength}`;
}
