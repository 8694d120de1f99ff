import type { IpVersion } from '../../../schemas/formats/ip.js';
import type { PoolLayout } from '../../model/pool-layout.js';

interface Painted {
  /** Sorted, distinct starts of the elementary intervals: each runs to the next start. */
  starts: bigint[];
  /** The pool that owns each elementary interval, or undefined where no pool reaches. */
  owners: Array<PoolLayout | undefined>;
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of the last start <= value, or -1. */
function lastAtOrBelow(starts: readonly bigint[], value: bigint): number {
  let low = 0;
  let high = starts.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (starts[mid]! <= value) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

/** For an address, the first pool of a list (in list order) whose network contains it — what
 * `layouts.find(contains)` gives, without a scan per address: that scan is quadratic when an
 * inventory has many pools and many addresses.
 *
 * The networks' ends cut the address line into elementary intervals; pools paint the intervals
 * they cover in list order, each interval keeping its first painter (overlapping pools are an
 * error reported elsewhere, and the first one still wins, as in a scan). A "next unpainted"
 * pointer with path compression makes painting near-linear; a lookup is one binary search. */
export class PoolFinder {
  private readonly byVersion = new Map<IpVersion, Painted>();

  constructor(layouts: readonly PoolLayout[]) {
    for (const version of [4, 6] as const) {
      const ofVersion = layouts.filter((l) => l.network.version === version);
      if (ofVersion.length > 0) this.byVersion.set(version, paint(ofVersion));
    }
  }

  find(version: IpVersion, value: bigint): PoolLayout | undefined {
    const painted = this.byVersion.get(version);
    if (!painted) return undefined;
    const index = lastAtOrBelow(painted.starts, value);
    return index < 0 ? undefined : painted.owners[index];
  }
}

function paint(layouts: readonly PoolLayout[]): Painted {
  const cuts = new Set<bigint>();
  for (const { network } of layouts) {
    cuts.add(network.first);
    cuts.add(network.last + 1n);
  }
  const starts = [...cuts].sort(compare);
  const position = new Map(starts.map((start, i) => [start, i]));
  const owners: Array<PoolLayout | undefined> = new Array(starts.length).fill(undefined);
  // next[i]: the first interval at or after i that no pool has painted yet (starts.length: none).
  const next = Array.from({ length: starts.length + 1 }, (_, i) => i);
  const unpaintedFrom = (i: number): number => {
    let root = i;
    while (next[root] !== root) root = next[root]!;
    while (next[i] !== root) {
      const following = next[i]!;
      next[i] = root;
      i = following;
    }
    return root;
  };
  for (const layout of layouts) {
    const end = position.get(layout.network.last + 1n)!;
    for (let i = unpaintedFrom(position.get(layout.network.first)!); i < end; i = unpaintedFrom(i + 1)) {
      owners[i] = layout;
      next[i] = i + 1;
    }
  }
  return { starts, owners };
}
