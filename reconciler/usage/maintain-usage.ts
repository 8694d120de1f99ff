import type { Row, SqlRunner } from '../store/file/sqlite.js';
import type { Store } from '../store/open-store.js';
import { samplesBetween } from '../store/usage/interface-samples.js';
import {
  DAY_MS,
  HOUR_MS,
  HOURS_PER_DAY,
  readUsageDays,
  setUsageWatermark,
  type StoredBucket,
  type StoredHour,
  type UsageDay,
  writeUsageDay,
} from '../store/usage/usage-days.js';
import { BUCKET_MS, bucketSeries, MAX_INTERVAL_MS, MIN_BUCKET_COVERAGE_MS } from './bucket-series.js';

/** How long each form of usage data is kept (the operator configuration's `usage`). */
export interface UsageRetention {
  /** Raw counter samples: enough to rebuild buckets after a fix, and for the plan's rates. */
  rawSampleDays: number;
  /** 5-minute buckets: the p95 can be computed exactly only while these exist. */
  fiveMinuteDays: number;
  /** Hourly roll-ups (bytes, coverage and each hour's peak 5-minute rate), then deleted. */
  hourlyDays: number;
}

export const DEFAULT_USAGE_RETENTION: UsageRetention = { rawSampleDays: 3, fiveMinuteDays: 100, hourlyDays: 800 };

export interface UsageMaintenance {
  seriesBucketed: number;
  samplesPruned: number;
  daysRolledUp: number;
  daysDeleted: number;
}

const floorTo = (at: number, unit: number) => Math.floor(at / unit) * unit;

interface SeriesRow extends Row {
  device: string;
  if_index: number;
  through: number | null;
  speed_mbps: number | null;
}

/** Buckets the samples of one series from its watermark up to the last bucket its newest sample
 * closes, into the 5-minute days (merging with the part of a day already stored). */
async function bucketOneSeries(tx: SqlRunner, series: SeriesRow): Promise<boolean> {
  const key = [series.device, series.if_index] as const;
  const last = await tx.get<Row & { at: number | null }>('SELECT max(sampled_at) AS at FROM counter_samples WHERE device = ? AND if_index = ?', [...key]);
  if (last?.at == null) return false;
  let start = series.through;
  if (start === null) {
    const first = await tx.get<Row & { at: number }>('SELECT min(sampled_at) AS at FROM counter_samples WHERE device = ? AND if_index = ?', [...key]);
    start = floorTo(first!.at, BUCKET_MS);
  }
  // A bucket is final once a sample at or after its end exists: no later sample can change it.
  const through = floorTo(last.at, BUCKET_MS);
  if (through <= start) return false;
  const samples = await samplesBetween(tx, series.device, series.if_index, start - MAX_INTERVAL_MS, through + MAX_INTERVAL_MS);
  const buckets = bucketSeries(samples, start, through, series.speed_mbps ? series.speed_mbps * 1_000_000 : null);
  const days = await readUsageDays(tx, series.device, series.if_index, floorTo(start, DAY_MS), through);
  for (let day = floorTo(start, DAY_MS); day < through; day += DAY_MS) {
    const stored = days.get(day);
    const fresh: StoredBucket[] =
      stored?.resolution === 'five-minutes'
        ? stored.buckets
        : Array.from({ length: DAY_MS / BUCKET_MS }, () => ({ inOctets: 0, outOctets: 0, coveredMs: 0, samples: 0 }));
    for (let b = Math.max(day, start); b < Math.min(day + DAY_MS, through); b += BUCKET_MS) {
      const k = (b - start) / BUCKET_MS;
      fresh[(b - day) / BUCKET_MS] = {
        inOctets: buckets.inOctets[k]!,
        outOctets: buckets.outOctets[k]!,
        coveredMs: buckets.coveredMs[k]!,
        samples: buckets.samples[k]!,
      };
    }
    await writeUsageDay(tx, series.device, series.if_index, day, { resolution: 'five-minutes', buckets: fresh });
  }
  await setUsageWatermark(tx, series.device, series.if_index, through);
  return true;
}

/** An hour of 5-minute buckets as one roll-up: sums, and the peak of the rates it had. */
function rollUp(day: UsageDay & { resolution: 'five-minutes' }): UsageDay {
  const hours: StoredHour[] = [];
  const perHour = HOUR_MS / BUCKET_MS;
  for (let h = 0; h < HOURS_PER_DAY; h++) {
    const hour: StoredHour = { inOctets: 0, outOctets: 0, coveredMs: 0, samples: 0, peakInBitsPerSecond: 0, peakOutBitsPerSecond: 0, peakMaxBitsPerSecond: 0 };
    for (const b of day.buckets.slice(h * perHour, (h + 1) * perHour)) {
      hour.inOctets += b.inOctets;
      hour.outOctets += b.outOctets;
      hour.coveredMs += b.coveredMs;
      hour.samples += b.samples;
      if (b.coveredMs < MIN_BUCKET_COVERAGE_MS) continue;
      const inRate = (b.inOctets * 8000) / b.coveredMs;
      const outRate = (b.outOctets * 8000) / b.coveredMs;
      hour.peakInBitsPerSecond = Math.max(hour.peakInBitsPerSecond, inRate);
      hour.peakOutBitsPerSecond = Math.max(hour.peakOutBitsPerSecond, outRate);
      hour.peakMaxBitsPerSecond = Math.max(hour.peakMaxBitsPerSecond, inRate, outRate);
    }
    hours.push(hour);
  }
  return { resolution: 'hourly', hours };
}

/** Keeps usage data current and bounded: buckets every series' new samples, prunes raw samples
 * older than the retention (never one a series still needs for its next bucket), rolls 5-minute
 * days older than `fiveMinuteDays` into hourly ones and deletes days older than `hourlyDays`.
 * Idempotent; run after each observation. One transaction: readers see before or after. */
export async function maintainUsage(store: Store, retention: UsageRetention, now: number): Promise<UsageMaintenance> {
  return store.transaction(async (tx) => {
    const series = await tx.all<SeriesRow>(
      `SELECT k.device, k.if_index, w.through, i.speed_mbps FROM
         (SELECT device, if_index FROM device_interfaces UNION SELECT device, if_index FROM usage_watermarks) AS k
       LEFT JOIN usage_watermarks w ON w.device = k.device AND w.if_index = k.if_index
       LEFT JOIN device_interfaces i ON i.device = k.device AND i.if_index = k.if_index`,
    );
    let seriesBucketed = 0;
    for (const s of series) if (await bucketOneSeries(tx, s)) seriesBucketed++;
    const pruned = await tx.run(
      `DELETE FROM counter_samples WHERE sampled_at < ? AND sampled_at < (
         SELECT w.through FROM usage_watermarks w WHERE w.device = counter_samples.device AND w.if_index = counter_samples.if_index) - ?`,
      [now - retention.rawSampleDays * DAY_MS, MAX_INTERVAL_MS],
    );
    const today = floorTo(now, DAY_MS);
    const old = await tx.all<Row & { device: string; if_index: number; day: number }>(
      'SELECT device, if_index, day FROM usage_days WHERE resolution_s = 300 AND day < ?',
      [today - retention.fiveMinuteDays * DAY_MS],
    );
    for (const row of old) {
      const day = (await readUsageDays(tx, row.device, row.if_index, row.day, row.day + 1)).get(row.day);
      if (day?.resolution === 'five-minutes') await writeUsageDay(tx, row.device, row.if_index, row.day, rollUp(day));
    }
    // Hourly days never outlive the 5-minute ones they came from by less than nothing.
    const keepDays = Math.max(retention.hourlyDays, retention.fiveMinuteDays);
    const deleted = await tx.run('DELETE FROM usage_days WHERE day < ?', [today - keepDays * DAY_MS]);
    return { seriesBucketed, samplesPruned: pruned.changes, daysRolledUp: old.length, daysDeleted: deleted.changes };
  });
}
