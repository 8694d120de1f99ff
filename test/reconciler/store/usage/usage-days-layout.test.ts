import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import { openStore } from '../../../../reconciler/store/open-store.js';
import { readUsageDays, type StoredBucket, type StoredHour, writeUsageDay } from '../../../../reconciler/store/usage/usage-days.js';
import { makeTempDir } from '../../../lab/daemon.js';

const DAY = Date.UTC(2026, 10, 1);
const emptyBucket = (): StoredBucket => ({ inOctets: 0, outOctets: 0, coveredMs: 0, samples: 0 });
const emptyHour = (): StoredHour => ({ ...emptyBucket(), peakInBitsPerSecond: 0, peakOutBitsPerSecond: 0, peakMaxBitsPerSecond: 0 });

test('stored usage days keep covered time to the millisecond, and days packed with whole seconds are still read', async (t) => {
  const dir = await makeTempDir('pytin-usage-days-');
  t.after(() => dir.remove());
  const store = await openStore(join(dir.path, 'store.sqlite'));
  t.after(() => store.close());

  // Partial buckets (an interval's part either side of a boundary) and partial hours, exact.
  const buckets = Array.from({ length: 288 }, emptyBucket);
  buckets[121] = { inOctets: 19_000_000, outOctets: 380_000, coveredMs: 7_600, samples: 1 };
  buckets[122] = { inOctets: 35_172_500, outOctets: 703_450, coveredMs: 14_069, samples: 1 };
  buckets[123] = { inOctets: 1, outOctets: 0, coveredMs: 300_000, samples: 0 };
  await writeUsageDay(store, 'sw-r01', 1, DAY, { resolution: 'five-minutes', buckets });
  const hours = Array.from({ length: 24 }, emptyHour);
  hours[10] = {
    inOctets: 1e9,
    outOctets: 2e7,
    coveredMs: 3_599_999,
    samples: 12,
    peakInBitsPerSecond: 2e7,
    peakOutBitsPerSecond: 4e5,
    peakMaxBitsPerSecond: 2e7,
  };
  await writeUsageDay(store, 'sw-r01', 2, DAY, { resolution: 'hourly', hours });
  const fiveMinutes = (await readUsageDays(store, 'sw-r01', 1, DAY, DAY + 1)).get(DAY);
  assert.ok(fiveMinutes?.resolution === 'five-minutes');
  assert.deepEqual(fiveMinutes.buckets.slice(121, 124), buckets.slice(121, 124));
  const hourly = (await readUsageDays(store, 'sw-r01', 2, DAY, DAY + 1)).get(DAY);
  assert.ok(hourly?.resolution === 'hourly');
  assert.deepEqual(hourly.hours[10], hours[10]);

  // A day written by the earlier layout (covered whole seconds: 11-byte buckets, 24-byte hours),
  // packed by hand here: it reads as it was stored.
  const oldBuckets = Buffer.alloc(288 * 11);
  oldBuckets.writeFloatLE(1_000_000, 5 * 11);
  oldBuckets.writeFloatLE(20_000, 5 * 11 + 4);
  oldBuckets.writeUInt16LE(8, 5 * 11 + 8);
  oldBuckets.writeUInt8(1, 5 * 11 + 10);
  const oldHours = Buffer.alloc(24 * 24);
  oldHours.writeFloatLE(3e9, 2 * 24);
  oldHours.writeFloatLE(6e7, 2 * 24 + 4);
  oldHours.writeUInt16LE(3_600, 2 * 24 + 8);
  oldHours.writeUInt16LE(12, 2 * 24 + 10);
  oldHours.writeFloatLE(8e7, 2 * 24 + 12);
  oldHours.writeFloatLE(2e6, 2 * 24 + 16);
  oldHours.writeFloatLE(8e7, 2 * 24 + 20);
  const insert = 'INSERT INTO usage_days (device, if_index, day, resolution_s, data) VALUES (?, ?, ?, ?, ?)';
  await store.run(insert, ['sw-r01', 3, DAY, 300, oldBuckets]);
  await store.run(insert, ['sw-r01', 4, DAY, 3600, oldHours]);
  const oldDay = (await readUsageDays(store, 'sw-r01', 3, DAY, DAY + 1)).get(DAY);
  assert.ok(oldDay?.resolution === 'five-minutes');
  assert.deepEqual(oldDay.buckets[5], { inOctets: 1_000_000, outOctets: 20_000, coveredMs: 8_000, samples: 1 });
  assert.deepEqual(oldDay.buckets[6], emptyBucket());
  const oldHourly = (await readUsageDays(store, 'sw-r01', 4, DAY, DAY + 1)).get(DAY);
  assert.ok(oldHourly?.resolution === 'hourly');
  assert.deepEqual(oldHourly.hours[2], {
    inOctets: 3e9,
    outOctets: 6e7,
    coveredMs: 3_600_000,
    samples: 12,
    peakInBitsPerSecond: 8e7,
    peakOutBitsPerSecond: 2e6,
    peakMaxBitsPerSecond: 8e7,
  });

  // A blob of neither length is refused, never read as shifted fields.
  await store.run(insert, ['sw-r01', 5, DAY, 300, Buffer.alloc(288 * 12)]);
  await assert.rejects(readUsageDays(store, 'sw-r01', 5, DAY, DAY + 1), /a usage day of 3456 bytes is not 288 packed entries/);
});
