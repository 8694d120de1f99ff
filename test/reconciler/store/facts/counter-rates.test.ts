import assert from 'node:assert/strict';
import { test } from 'node:test';

import { counterRate, type CounterSample, type RateResult } from '../../../../reconciler/store/facts/counter-rates.js';

const T0 = 1_700_000_000_000;
function sample(at: number, sysUpTime: number, inOctets: bigint | null, outOctets: bigint | null, counterBits: 32 | 64 = 64): CounterSample {
  return { at: T0 + at, sysUpTime, counterBits, inOctets, outOctets };
}

interface Row {
  name: string;
  previous: CounterSample;
  next: CounterSample;
  speed?: number;
  expect: (r: RateResult) => void;
}

function ok(r: RateResult): Extract<RateResult, { status: 'ok' }> {
  assert.equal(r.status, 'ok');
  return r as Extract<RateResult, { status: 'ok' }>;
}

const rows: Row[] = [
  {
    name: '64-bit counters 8 Mbit/s over 60 s',
    previous: sample(0, 1000, 1000n, 0n),
    next: sample(60_000, 7000, 1000n + 60_000_000n, 30_000_000n),
    expect: (r) => {
      const rate = ok(r);
      assert.deepEqual(rate.in, { status: 'ok', octets: 60_000_000n, bitsPerSecond: 8_000_000, wrapped: false });
      assert.deepEqual(rate.out, { status: 'ok', octets: 30_000_000n, bitsPerSecond: 4_000_000, wrapped: false });
    },
  },
  {
    name: '64-bit values above 2^53 keep exact differences',
    previous: sample(0, 1000, 2n ** 63n + 1n, 18_446_744_073_709_000_000n),
    next: sample(10_000, 2000, 2n ** 63n + 12_500_001n, 18_446_744_073_709_551_615n),
    expect: (r) => {
      const rate = ok(r);
      assert.deepEqual(rate.in, { status: 'ok', octets: 12_500_000n, bitsPerSecond: 10_000_000, wrapped: false });
      assert.equal(rate.out.status, 'ok');
      assert.equal(rate.out.status === 'ok' && rate.out.octets, 551_615n);
    },
  },
  {
    name: 'a 32-bit counter that wrapped once gives the true difference',
    previous: sample(0, 1000, 2n ** 32n - 1000n, 5n, 32),
    next: sample(10_000, 2000, 4000n, 10n, 32),
    expect: (r) => {
      const rate = ok(r);
      assert.deepEqual(rate.in, { status: 'ok', octets: 5000n, bitsPerSecond: 4000, wrapped: true });
      assert.deepEqual(rate.out, { status: 'ok', octets: 5n, bitsPerSecond: 4, wrapped: false });
    },
  },
  {
    name: 'a 32-bit wrap that would exceed the interface speed is refused, not a huge rate',
    previous: sample(0, 1000, 100n, 100n, 32),
    next: sample(1_000, 1100, 50n, 200n, 32),
    speed: 100_000_000,
    expect: (r) => {
      const rate = ok(r);
      assert.equal(rate.in.status, 'over-speed');
      assert.deepEqual(rate.out, { status: 'ok', octets: 100n, bitsPerSecond: 800, wrapped: false });
    },
  },
  {
    name: 'a 64-bit counter going back is a reset, never a wrap',
    previous: sample(0, 1000, 10_000_000n, 5n),
    next: sample(60_000, 7000, 10n, 10n),
    expect: (r) => assert.equal(ok(r).in.status, 'counter-reset'),
  },
  {
    name: 'sysUpTime going back is an agent restart: no rate at all',
    previous: sample(0, 900_000, 2n ** 40n, 2n ** 40n),
    next: sample(60_000, 3000, 1000n, 1000n),
    expect: (r) => assert.deepEqual(r, { status: 'agent-restarted' }),
  },
  {
    name: 'an agent restart hidden by a long interval (uptime advanced less than the clock) is a restart',
    previous: sample(0, 10_000, 1000n, 1000n),
    next: sample(3_600_000, 10_000 + 100_000, 5000n, 5000n),
    expect: (r) => assert.deepEqual(r, { status: 'agent-restarted' }),
  },
  {
    name: 'sysUpTime wrapping at 2^32 hundredths is not a restart',
    previous: sample(0, 2 ** 32 - 1000, 1000n, 1000n),
    next: sample(60_000, 5000, 2000n, 3000n),
    expect: (r) => assert.deepEqual(ok(r).in, { status: 'ok', octets: 1000n, bitsPerSecond: (1000 * 8) / 60, wrapped: false }),
  },
  {
    name: 'a missing counter in either sample gives no rate for that direction',
    previous: sample(0, 1000, null, 1n),
    next: sample(10_000, 2000, 5n, 2n),
    expect: (r) => {
      const rate = ok(r);
      assert.deepEqual(rate.in, { status: 'missing' });
      assert.equal(rate.out.status, 'ok');
    },
  },
  {
    name: 'samples at the same instant give no rate',
    previous: sample(5, 1000, 1n, 1n),
    next: sample(5, 1000, 2n, 2n),
    expect: (r) => assert.deepEqual(r, { status: 'bad-interval' }),
  },
  {
    name: 'a device that switched from 32-bit to 64-bit counters gives no rate for that interval',
    previous: sample(0, 1000, 1n, 1n, 32),
    next: sample(10_000, 2000, 2n, 2n, 64),
    expect: (r) => assert.deepEqual(r, { status: 'counter-width-changed' }),
  },
];

for (const row of rows) {
  test(`rate: ${row.name}`, () => row.expect(counterRate(row.previous, row.next, row.speed ?? null)));
}
