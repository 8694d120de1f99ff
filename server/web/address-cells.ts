import { addressUse, type PoolLayout } from '../../inventory/model/pool-layout.js';
import type { AddressSighting } from '../../reconciler/store/api/api-reads.js';
import type { HeldAddress } from '../../reconciler/store/api/applied-model.js';
import { formatIp } from '../../schemas/formats/ip.js';

/** What a pool map colours an address by. `infrastructure`: network, broadcast, gateway, a
 * reserved range or outside the pool's range (nobody may hold it); `seen-unowned`: answering on
 * the network but held by nobody (drift); `stale`: held, but last seen more than 31 days ago (the
 * old CMDB freed those; pytin reports them). */
export type CellState = 'allocated' | 'reserved' | 'infrastructure' | 'free' | 'seen-unowned' | 'stale';
export const CELL_STATES: readonly CellState[] = ['allocated', 'stale', 'reserved', 'free', 'seen-unowned', 'infrastructure'];

export const STALE_AFTER_MS = 31 * 24 * 60 * 60 * 1000;

export interface AddressCell {
  ip: string;
  state: CellState;
  held: HeldAddress | undefined;
  seen: AddressSighting | undefined;
}

/** The cells of addresses [first, last] of a pool: the API's held addresses and sightings, per
 * address. Counts agree with /v1/pools: allocated + stale = allocated, reserved = reserved,
 * free + seen-unowned = free. */
export function addressCells(
  layout: PoolLayout,
  first: bigint,
  last: bigint,
  /** The pool's own holdings (its VRF's), by address. */
  heldByIp: ReadonlyMap<string, HeldAddress>,
  sightings: ReadonlyMap<string, AddressSighting>,
  now: number,
): AddressCell[] {
  const cells: AddressCell[] = [];
  const version = layout.network.version;
  for (let value = first; value <= last; value++) {
    const ip = formatIp({ version, value });
    const held = heldByIp.get(ip);
    const seen = sightings.get(ip);
    let state: CellState;
    if (held) state = held.status === 'reserved' ? 'reserved' : seen && now - seen.lastSeen > STALE_AFTER_MS ? 'stale' : 'allocated';
    else if (value < layout.allocatable.first || value > layout.allocatable.last || addressUse(layout, value) !== 'usable') state = 'infrastructure';
    else state = seen ? 'seen-unowned' : 'free';
    cells.push({ ip, state, held, seen });
  }
  return cells;
}

export function countCells(cells: readonly AddressCell[]): Record<CellState, number> {
  const counts = Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as Record<CellState, number>;
  for (const c of cells) counts[c.state]++;
  return counts;
}
