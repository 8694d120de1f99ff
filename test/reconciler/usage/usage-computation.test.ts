import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { seededRandom } from '../../../examples/generator/prng.js';
import type { CounterSample } from '../../../reconciler/store/facts/counter-rates.js';
import { BUCKET_MS, bucketSeries } from '../../../reconciler/usage/bucket-series.js';
import { percentile95 } from '../../../reconciler/usage/percentile.js';
import { usageFigures } from '../../../reconciler/usage/usage-figures.js';
import { type RawSample, referenceUsage } from './reference-usage.js';

const toCounterSample = (s: RawSample): CounterSample => ({
  at: s.second * 1000,
  sysUpTime: s.uptimeCs,
  counterBits: 64,
  inOctets: s.inOctets,
  outOctets: s.outOctets,
});

/** 2026-11-01T00:00:00Z, a 5-minute boundary. */
const FROM = Date.UTC(2026, 10, 1) / 1000;

/** Samples every 300 s taken `offset` seconds after each boundary, with rates (bytes/s) drawn per
 * interval; `events` changes what the agent reports at a sample index. */
function series(options: {
  count: number;
  offset: number;
  rate: (k: number) => { in: number; out: number };
  events?: Record<number, 'counter-reset' | 'agent-restart' | 'missing'>;
  startOctets?: bigint;
}): RawSample[] {
  const out: RawSample[] = [];
  let inOctets = options.startOctets ?? 10n ** 12n;
  let outOctets = options.startOctets ?? 5n * 10n ** 11n;
  let uptimeCs = 123_456_789;
  let second = FROM - 300 + options.offset;
  for (let k = 0; k < options.count; k++) {
    const event = options.events?.[k];
    if (k > 0) {
      const r = options.rate(k);
      const elapsed = 300;
      second += elapsed;
      uptimeCs += elapsed * 100;
      inOctets += BigInt(r.in * elapsed);
      outOctets += BigInt(r.out * elapsed);
    }
    if (event === 'missing') continue;
    if (event === 'counter-reset') {
      // The interface's counters restarted (a line card reset); the agent did not.
      inOctets = BigInt(options.rate(k).in * 17);
      outOctets = BigInt(options.rate(k).out * 17);
    }
    if (event === 'agent-restart') {
      // The agent came back 40 s ago: uptime and every counter start again.
      uptimeCs = 40 * 100;
      inOctets = BigInt(options.rate(k).in * 40);
      outOctets = BigInt(options.rate(k).out * 40);
    }
    out.push({ second, uptimeCs, inOctets, outOctets });
  }
  return out;
}

function figuresOf(interfaces: RawSample[][], fromSecond: number, toSecond: number) {
  const buckets = (toSecond - fromSecond) / 300;
  return usageFigures(
    interfaces.map((samples) => bucketSeries(samples.map(toCounterSample), fromSecond * 1000, toSecond * 1000, null)),
    buckets,
  );
}

function assertClose(actual: number | null, expected: number | null, what: string): void {
  if (expected === null || actual === null) return assert.equal(actual, expected, what);
  assert.ok(Math.abs(actual - expected) <= Math.max(1e-6, Math.abs(expected) * 1e-9), `${what}: ${actual} != ${expected}`);
}

describe('the 95th percentile', () => {
  test('drops the top 5% rounded down and keeps the largest left (hand-computed)', () => {
    const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile95(oneToHundred), 95);
    assert.equal(percentile95(Array.from({ length: 20 }, (_, i) => i + 1)), 19);
    assert.equal(percentile95(Array.from({ length: 19 }, (_, i) => i + 1)), 19, 'fewer than 20 rates: nothing dropped');
    // A month of 5-minute buckets: 8640 rates, the top 432 dropped.
    assert.equal(percentile95(Array.from({ length: 8640 }, (_, i) => i)), 8640 - 432 - 1);
    assert.equal(percentile95([]), null);
  });
});

describe('bucket rates from counter samples', () => {
  test('samples on the boundaries: each bucket has exactly its interval rate (hand-computed table)', () => {
    // Rates in bytes/s for the 24 intervals of two hours; bucket k is interval k+1.
    const rates = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 1000];
    const samples = series({ count: 25, offset: 300, rate: (k) => ({ in: rates[k - 1]!, out: 2 * rates[k - 1]! }) });
    const f = figuresOf([samples], FROM, FROM + 24 * 300);
    assert.equal(f.ratedBuckets, 24);
    assert.equal(f.coverage, 1);
    assert.equal(f.bytesIn, rates.reduce((a, b) => a + b, 0) * 300);
    // 24 buckets: the top one (1000 B/s) dropped; the p95 is 230 B/s = 1840 bit/s.
    assert.equal(f.p95InBitsPerSecond, 230 * 8);
    assert.equal(f.p95OutBitsPerSecond, 460 * 8);
    assert.equal(f.p95MaxBitsPerSecond, 460 * 8);
    assert.equal(f.samples, 24, "the sample at the end of the period is the next period's");
  });

  test('a counter reset and an agent restart are gaps: never zero, never a spike (hand-computed)', () => {
    const samples = series({ count: 25, offset: 300, rate: () => ({ in: 1000, out: 100 }), events: { 8: 'counter-reset', 17: 'agent-restart' } });
    const f = figuresOf([samples], FROM, FROM + 24 * 300);
    // Intervals 8 (reset) and 17 (restart) are gaps: 22 of 24 buckets rated.
    assert.equal(f.ratedBuckets, 22);
    assert.equal(f.coverage, 22 / 24);
    assert.equal(f.bytesIn, 22 * 300 * 1000);
    // Every rated bucket is exactly 1000 B/s: a gap read as zero or as a 2^64 wrap would show.
    assert.equal(f.p95InBitsPerSecond, 8000);
    assert.equal(f.p95OutBitsPerSecond, 800);
  });

  test('a 32-bit counter that wrapped is a gap, not a guess', () => {
    const at = (second: number, octets: bigint): CounterSample => ({
      at: second * 1000,
      sysUpTime: second * 100,
      counterBits: 32,
      inOctets: octets,
      outOctets: octets,
    });
    const wrapped = [at(FROM, 2n ** 32n - 1000n), at(FROM + 300, 5000n)];
    const s = bucketSeries(wrapped, FROM * 1000, (FROM + 300) * 1000, null);
    assert.equal(s.coveredMs[0], 0);
    assert.equal(usageFigures([s], 1).p95InBitsPerSecond, null);
  });

  test('samples a few seconds after the boundaries, with gaps, match the second-by-second reference', () => {
    const random = seededRandom(12);
    const rates = Array.from({ length: 300 }, () => ({ in: Math.floor(random() * 50_000_000), out: Math.floor(random() * 20_000_000) }));
    const samples = series({
      count: 300,
      offset: 7,
      rate: (k) => rates[k]!,
      events: { 40: 'counter-reset', 41: 'missing', 42: 'missing', 43: 'missing', 120: 'agent-restart', 200: 'missing' },
    });
    // A day (288 buckets); the samples start before and end after it.
    const f = figuresOf([samples], FROM, FROM + 288 * 300);
    const expected = referenceUsage([samples], FROM, FROM + 288 * 300);
    assert.ok(expected.ratedBuckets < 288 && expected.ratedBuckets > 270, 'the scenario has gaps');
    assert.equal(f.ratedBuckets, expected.ratedBuckets);
    assertClose(f.bytesIn, expected.bytesIn, 'bytes in');
    assertClose(f.bytesOut, expected.bytesOut, 'bytes out');
    assertClose(f.p95InBitsPerSecond, expected.p95In, 'p95 in');
    assertClose(f.p95OutBitsPerSecond, expected.p95Out, 'p95 out');
    assertClose(f.p95MaxBitsPerSecond, expected.p95Max, 'p95 max');
    assertClose(f.coverage, expected.coverage, 'coverage');
  });
});

describe("a tenant's figures", () => {
  test('are the p95 of the per-bucket sum, never the sum of per-interface percentiles', () => {
    // Interface A peaks in even buckets, B in odd ones: each has a p95 of 900 B/s, yet together
    // they never exceed 1000 B/s.
    const a = series({ count: 41, offset: 300, rate: (k) => (k % 2 ? { in: 900, out: 9 } : { in: 100, out: 1 }) });
    const b = series({ count: 41, offset: 300, rate: (k) => (k % 2 ? { in: 100, out: 1 } : { in: 900, out: 9 }) });
    const to = FROM + 40 * 300;
    const one = figuresOf([a], FROM, to);
    const tenant = figuresOf([a, b], FROM, to);
    assert.equal(one.p95InBitsPerSecond, 900 * 8);
    assert.equal(tenant.p95InBitsPerSecond, 1000 * 8);
    assert.equal(tenant.bytesIn, 40 * 300 * 1000);
    assert.equal(tenant.coverage, 1);
  });

  test('with gaps and offsets on several interfaces match the reference', () => {
    const random = seededRandom(99);
    const interfaces = [0, 1, 2].map((i) => {
      const rates = Array.from({ length: 120 }, () => ({ in: Math.floor(random() * 1e7), out: Math.floor(random() * 1e7) }));
      return series({
        count: 120,
        offset: 3 + i * 11,
        rate: (k) => rates[k]!,
        events: i === 1 ? { 30: 'agent-restart', 31: 'missing', 32: 'missing', 33: 'missing', 34: 'missing' } : i === 2 ? { 60: 'counter-reset' } : {},
      });
    });
    const to = FROM + 100 * 300;
    const f = figuresOf(interfaces, FROM, to);
    const expected = referenceUsage(interfaces, FROM, to);
    assert.ok(expected.coverage < 1);
    assert.equal(f.ratedBuckets, expected.ratedBuckets);
    assertClose(f.bytesIn, expected.bytesIn, 'bytes in');
    assertClose(f.p95InBitsPerSecond, expected.p95In, 'p95 in');
    assertClose(f.p95OutBitsPerSecond, expected.p95Out, 'p95 out');
    assertClose(f.p95MaxBitsPerSecond, expected.p95Max, 'p95 max');
    assertClose(f.coverage, expected.coverage, 'coverage');
  });
});

test('BUCKET_MS is five minutes', () => assert.equal(BUCKET_MS, 300_000));
