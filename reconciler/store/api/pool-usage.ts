import type { PoolLayout } from '../../../inventory/model/pool-layout.js';
import type { AppliedModel } from './applied-model.js';

/** A pool's size and use. Counts are decimal strings: an IPv6 pool holds more addresses than a
 * JSON number carries exactly. */
export interface PoolUsage {
  /** Addresses that may be held: the allocatable part, less network, broadcast, gateway and reserved ranges. */
  size: bigint;
  allocated: number;
  reserved: number;
  /** size - allocated - reserved. */
  free: bigint;
  /** (allocated + reserved) / size, 0 for an empty pool. */
  utilisation: number;
}

/** How many addresses of `layout`'s allocatable range may be held. Network, broadcast, gateway and
 * reserved ranges may overlap one another: they are merged first so nothing is subtracted twice. */
export function poolSize(layout: PoolLayout): bigint {
  const { first, last } = layout.allocatable;
  const excluded: Array<[bigint, bigint]> = layout.reserved.map((r) => [r.first, r.last]);
  if (layout.hasNetworkAndBroadcast || layout.hasSubnetRouterAnycast) excluded.push([layout.network.first, layout.network.first]);
  if (layout.hasNetworkAndBroadcast) excluded.push([layout.network.last, layout.network.last]);
  if (layout.gateway !== undefined) excluded.push([layout.gateway, layout.gateway]);
  const clipped = excluded
    .map(([a, b]): [bigint, bigint] => [a > first ? a : first, b < last ? b : last])
    .filter(([a, b]) => a <= b)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let removed = 0n;
  let end = first - 1n;
  for (const [a, b] of clipped) {
    const from = a > end ? a : end + 1n;
    if (b >= from) removed += b - from + 1n;
    if (b > end) end = b;
  }
  return last - first + 1n - removed;
}

/** Usage of every pool of the model, by pool name. */
export function poolUsages(model: AppliedModel): Map<string, PoolUsage> {
  const counts = new Map<string, { allocated: number; reserved: number }>();
  for (const h of model.held) {
    if (h.pool === null) continue;
    const c = counts.get(h.pool) ?? { allocated: 0, reserved: 0 };
    c[h.status]++;
    counts.set(h.pool, c);
  }
  const out = new Map<string, PoolUsage>();
  for (const [name, pool] of model.pools) {
    const size = pool.layout ? poolSize(pool.layout) : 0n;
    const { allocated, reserved } = counts.get(name) ?? { allocated: 0, reserved: 0 };
    const used = BigInt(allocated + reserved);
    const free = size > used ? size - used : 0n;
    // Ratio of two bigints to 6 decimals without losing precision on /64 pools.
    const utilisation = size === 0n ? 0 : Number((used * 1_000_000n) / size) / 1_000_000;
    out.set(name, { size, allocated, reserved, free, utilisation });
  }
  return out;
}
