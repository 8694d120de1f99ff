import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Row } from '../../../reconciler/store/file/sqlite.js';
import { readUsageDays } from '../../../reconciler/store/usage/usage-days.js';
import { maintainUsage } from '../../../reconciler/usage/maintain-usage.js';
import { usageAttribution } from '../../../reconciler/usage/usage-attribution.js';
import { usageReport } from '../../../reconciler/usage/usage-report.js';
import { makeTempDir } from '../../lab/daemon.js';
import { referenceUsage } from './reference-usage.js';
import { assertRowMatches, daySamples, labState, storeWith, USAGE_DAY } from './usage-fixtures.js';

const { FROM, TO } = USAGE_DAY;
const DAY_MS = 86_400_000;

test('maintenance buckets the samples, prunes them, rolls old days up and deletes the oldest; figures hold at each step', async (t) => {
  const dir = await makeTempDir('pytin-usage-retention-');
  t.after(() => dir.remove());
  const hv01 = daySamples((k) => (k % 12) * 1_000_000 + 12_345, 100);
  const store = await storeWith(dir.path, [{ device: 'sw-r01', ifIndex: 10101, name: 'Gi1/0/1', samples: hv01 }]);
  t.after(() => store.close());
  const attribution = usageAttribution(labState());
  const query = { from: FROM * 1000, to: TO * 1000, scope: { kind: 'server-ports' as const, server: 'hv-01' } };
  const row = async () => {
    const answer = await usageReport(store, query, attribution);
    assert.ok('report' in answer);
    return answer.report.rows[0]!;
  };
  const count = async (sql: string) => (await store.get<Row & { n: number }>(sql))!.n;

  const live = await row();
  assertRowMatches(live, [hv01]);

  // Two days later, raw samples kept one day: everything is bucketed, then pruned.
  const first = await maintainUsage(store, { rawSampleDays: 1, fiveMinuteDays: 10, hourlyDays: 30 }, TO * 1000 + 2 * DAY_MS);
  assert.equal(first.seriesBucketed, 1);
  assert.equal(first.samplesPruned, hv01.length - (await count('SELECT count(*) AS n FROM counter_samples')));
  const lastSample = hv01.at(-1)!.second * 1000;
  // Only what the next bucket still needs stays: samples within 15 minutes of the watermark.
  assert.equal(await count('SELECT min(through) AS n FROM usage_watermarks'), Math.floor(lastSample / 300_000) * 300_000);
  assert.ok((await count('SELECT count(*) AS n FROM counter_samples')) <= 4);
  const stored = await row();
  assertRowMatches(stored, [hv01], 1e-6);
  assert.equal(stored.samples, live.samples);

  // Idempotent: a second run changes nothing.
  const again = await maintainUsage(store, { rawSampleDays: 1, fiveMinuteDays: 10, hourlyDays: 30 }, TO * 1000 + 2 * DAY_MS);
  assert.deepEqual(again, { seriesBucketed: 0, samplesPruned: 0, daysRolledUp: 0, daysDeleted: 0 });

  // Twenty days later the day is rolled up to hours: bytes and coverage stay, the p95 is gone
  // (the 5-minute rates are), and each hour keeps its peak 5-minute rate.
  const rolled = await maintainUsage(store, { rawSampleDays: 1, fiveMinuteDays: 10, hourlyDays: 30 }, TO * 1000 + 20 * DAY_MS);
  assert.ok(rolled.daysRolledUp >= 1);
  const hourly = await row();
  const expected = referenceUsage([hv01], FROM, TO);
  assert.ok(Math.abs(hourly.bytesIn - expected.bytesIn) <= expected.bytesIn * 1e-6);
  assert.ok(Math.abs(hourly.coverage - expected.coverage) < 1e-9);
  assert.equal(hourly.ratedBuckets, 0);
  assert.equal(hourly.p95InBitsPerSecond, null);
  const day = (await readUsageDays(store, 'sw-r01', 10101, FROM * 1000, FROM * 1000 + 1)).get(FROM * 1000);
  assert.equal(day?.resolution, 'hourly');
  // Hour 0, by hand: samples are 9 s after the boundaries, so bucket j holds 9 s of interval j+1
  // and 291 s of interval j+2 (interval k runs at (k % 12) MB/s + 12,345 B/s). The peak is bucket
  // 9: 9 s at 10 MB/s and 291 s at 11 MB/s.
  const peak = (((9 * 10 + 291 * 11) * 1_000_000) / 300 + 12_345) * 8;
  assert.ok(
    day.resolution === 'hourly' && Math.abs(day.hours[0]!.peakInBitsPerSecond - peak) < peak * 1e-6,
    JSON.stringify(day.resolution === 'hourly' && day.hours[0]),
  );

  // Forty days later the hourly day is deleted too.
  const deleted = await maintainUsage(store, { rawSampleDays: 1, fiveMinuteDays: 10, hourlyDays: 30 }, TO * 1000 + 40 * DAY_MS);
  assert.ok(deleted.daysDeleted >= 1);
  assert.equal((await row()).coverage, 0);
});
