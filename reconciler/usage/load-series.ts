import type { SqlRunner } from '../store/file/sqlite.js';
import { type SampledPort, samplesBetween } from '../store/usage/interface-samples.js';
import { copyFiveMinuteBuckets, DAY_MS, HOUR_MS, readPackedUsageDays, unpackHours } from '../store/usage/usage-days.js';
import { BUCKET_MS, type BucketSeries, bucketSeries, emptyBucketSeries, MAX_INTERVAL_MS } from './bucket-series.js';

const BUCKETS_PER_HOUR = HOUR_MS / BUCKET_MS;

/** The buckets of one interface over [from, to): those already bucketed (before its
 * watermark, `bucketedThrough`) from usage_days — 5-minute buckets as stored, rolled-up hours spread over their
 * twelve buckets without a rate — and the rest computed from the raw counter samples. Both
 * paths use bucketSeries, so a figure does not change when maintenance stores it. */
export async function loadBucketSeries(store: SqlRunner, key: SampledPort, from: number, to: number): Promise<BucketSeries> {
  const series = emptyBucketSeries(from, to);
  const end = from + series.count * BUCKET_MS;
  const storedEnd = Math.min(Math.max(key.bucketedThrough ?? from, from), end);
  if (storedEnd > from) {
    const firstDay = Math.floor(from / DAY_MS) * DAY_MS;
    const days = await readPackedUsageDays(store, key.device, key.ifIndex, firstDay, storedEnd);
    for (let dayStart = firstDay; dayStart < storedEnd; dayStart += DAY_MS) {
      const day = days.get(dayStart);
      if (!day) continue;
      // The part of this day inside [from, storedEnd), as bucket indexes of the day and the series.
      const start = Math.max(dayStart, from);
      const stop = Math.min(dayStart + DAY_MS, storedEnd);
      const count = (stop - start) / BUCKET_MS;
      const at = (start - from) / BUCKET_MS;
      if (day.resolution === 'five-minutes') {
        copyFiveMinuteBuckets(day.data, (start - dayStart) / BUCKET_MS, count, series, at);
        continue;
      }
      const hours = unpackHours(day.data);
      for (let k = 0; k < count; k++) {
        const h = hours[Math.floor((start + k * BUCKET_MS - dayStart) / HOUR_MS)]!;
        series.inOctets[at + k] = h.inOctets / BUCKETS_PER_HOUR;
        series.outOctets[at + k] = h.outOctets / BUCKETS_PER_HOUR;
        series.hourlyCoveredMs[at + k] = h.coveredMs / BUCKETS_PER_HOUR;
        series.samples[at + k] = h.samples / BUCKETS_PER_HOUR;
      }
    }
  }
  if (storedEnd < end) {
    // The intervals that straddle storedEnd and `to` count for the part inside.
    const samples = await samplesBetween(store, key.device, key.ifIndex, storedEnd - MAX_INTERVAL_MS, end + MAX_INTERVAL_MS);
    const live = bucketSeries(samples, storedEnd, end, key.speedBitsPerSecond);
    const offset = (storedEnd - from) / BUCKET_MS;
    series.inOctets.set(live.inOctets, offset);
    series.outOctets.set(live.outOctets, offset);
    series.coveredMs.set(live.coveredMs, offset);
    series.samples.set(live.samples, offset);
  }
  return series;
}
