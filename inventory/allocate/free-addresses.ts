import { formatIp, parseIp } from '../../schemas/formats/ip.js';
import { addressUse, type PoolLayout } from '../model/pool-layout.js';

/** The lowest `count` addresses of the pool's allocatable range that nobody holds, that are not
 * network, broadcast, gateway or reserved, and that were not recently seen answering on the
 * network (`seenInUse`). Deterministic: the same inventory and facts give the same answer. */
export function lowestFreeAddresses(layout: PoolLayout, held: ReadonlySet<string>, seenInUse: ReadonlySet<string>, count: number): string[] {
  const heldValues = new Set<bigint>();
  for (const text of [...held, ...seenInUse]) {
    const parsed = parseIp(text);
    if (parsed && parsed.version === layout.network.version) heldValues.add(parsed.value);
  }
  const chosen: string[] = [];
  const { first, last } = layout.allocatable;
  // Bounded by count + |held| + reserved sizes in practice; the range end bounds it absolutely.
  for (let value = first; value <= last && chosen.length < count; value++) {
    if (heldValues.has(value) || addressUse(layout, value) !== 'usable') {
      // Jump over a reserved range at once instead of stepping through it (IPv6 ranges are huge).
      const range = layout.reserved.find((r) => value >= r.first && value <= r.last);
      if (range) value = range.last;
      continue;
    }
    chosen.push(formatIp({ version: layout.network.version, value }));
  }
  return chosen;
}
