import assert from 'node:assert/strict';
import { test } from 'node:test';

import { seededRandom } from '../../../examples/generator/prng.js';
import { addressUse, type PoolLayout } from '../../../inventory/model/pool-layout.js';
import { PoolFinder } from '../../../inventory/validate/rules/pool-finder.js';
import { addressUseIndexed } from '../../../inventory/validate/rules/reserved-lookup.js';

/** A layout with only what the lookups read: small numbers stand for addresses. */
function layout(name: string, first: number, last: number, reserved: Array<[number, number]> = []): PoolLayout {
  return {
    pool: { name } as PoolLayout['pool'],
    network: { version: 4, first: BigInt(first), last: BigInt(last), prefixLength: 24 },
    allocatable: { version: 4, first: BigInt(first), last: BigInt(last) },
    gateway: undefined,
    reserved: reserved.map(([a, b]) => ({ version: 4, first: BigInt(a), last: BigInt(b) })),
    hasNetworkAndBroadcast: false,
    hasSubnetRouterAnycast: false,
  } as PoolLayout;
}

const scanFirst = (layouts: readonly PoolLayout[], value: bigint) => layouts.find((l) => value >= l.network.first && value <= l.network.last);

test('the pool finder gives what a scan in list order gives, overlapping pools included', () => {
  const random = seededRandom(7);
  for (let round = 0; round < 50; round++) {
    const layouts = Array.from({ length: 1 + Math.floor(random() * 12) }, (_, i) => {
      const first = Math.floor(random() * 100);
      return layout(`p${i}`, first, first + Math.floor(random() * 30));
    });
    const finder = new PoolFinder(layouts);
    for (let value = -1n; value <= 140n; value++) {
      assert.equal(finder.find(4, value)?.pool.name, scanFirst(layouts, value)?.pool.name, `round ${round}, address ${value}`);
    }
    assert.equal(finder.find(6, 5n), undefined);
  }
});

test('the indexed address use agrees with addressUse, overlapping and adjacent reserved ranges included', () => {
  const random = seededRandom(11);
  for (let round = 0; round < 50; round++) {
    const reserved = Array.from({ length: Math.floor(random() * 8) }, (): [number, number] => {
      const first = Math.floor(random() * 60);
      return [first, first + Math.floor(random() * 6)];
    });
    const pool = layout('p', 0, 70, reserved);
    for (let value = 0n; value <= 70n; value++) assert.equal(addressUseIndexed(pool, value), addressUse(pool, value), `round ${round}, address ${value}`);
  }
});
