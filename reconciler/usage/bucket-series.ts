import { counterRate, type CounterSample } from '../store/facts/counter-rates.js';

/** Billing buckets are 5 minutes long and aligned to UTC (a multiple of 300 s since the epoch). */
export const BUCKET_MS = 5 * 60 * 1000;

/** A bucket counts towards the percentile only when samples cover at least this much of it. */
export const MIN_BUCKET_COVERAGE_MS = BUCKET_MS / 2;

/** Two samples further apart than this are a gap: the rate between them is an average over too
 * long a time to stand for any 5-minute bucket (it would flatten the peaks the p95 bills). */
export const MAX_INTERVAL_MS = 3 * BUCKET_MS;

/** The traffic of one counter series (one interface) in each bucket of a period. Index k is the
 * bucket starting at `from + k * BUCKET_MS`. */
export interface BucketSeries {
  from: number;
  count: number;
  inOctets: Float64Array;
  outOctets: Float64Array;
  /** Milliseconds of the bucket that trusted counter intervals cover. */
  coveredMs: Float64Array;
  /** Milliseconds known only from an hourly roll-up: they count for bytes and coverage, never
   * for a rate (the 5-minute rates of a rolled-up hour are gone). */
  hourlyCoveredMs: Float64Array;
  /** Counter samples taken inside each bucket. */
  samples: Float64Array;
}

export function emptyBucketSeries(from: number, to: number): BucketSeries {
  const count = Math.max(0, Math.floor((to - from) / BUCKET_MS));
  const zeros = () => new Float64Array(count);
  return { from, count, inOctets: zeros(), outOctets: zeros(), coveredMs: zeros(), hourlyCoveredMs: zeros(), samples: zeros() };
}

/** Whether the octets between two samples can be trusted. Invariant (billing): an interval the
 * counters cannot vouch for is a gap — never zero, never a spike. That is an agent restart
 * (sysUpTime), a 64-bit counter going back (a reset or a discontinuity), a 32-bit wrap (one wrap
 * cannot be told from several), a change of counter width, a rate above the interface speed, a
 * missing counter, or samples too far apart. */
function trustedOctets(previous: CounterSample, next: CounterSample, speedBitsPerSecond: number | null): { inOctets: number; outOctets: number } | null {
  if (next.at - previous.at > MAX_INTERVAL_MS) return null;
  const rate = counterRate(previous, next, speedBitsPerSecond);
  if (rate.status !== 'ok' || rate.in.status !== 'ok' || rate.out.status !== 'ok') return null;
  if (rate.in.wrapped || rate.out.wrapped) return null;
  return { inOctets: Number(rate.in.octets), outOctets: Number(rate.out.octets) };
}

/** Spreads each trusted interval's octets evenly over its time and adds each bucket's share:
 * samples are taken a few seconds after the boundaries, so an interval straddles two buckets.
 * `samples` must be one series, oldest first; those outside [from, to) only contribute the part
 * of their interval that falls inside. Pure. */
export function bucketSeries(samples: readonly CounterSample[], from: number, to: number, speedBitsPerSecond: number | null): BucketSeries {
  const series = emptyBucketSeries(from, to);
  const end = from + series.count * BUCKET_MS;
  for (const s of samples) if (s.at >= from && s.at < end) series.samples[Math.floor((s.at - from) / BUCKET_MS)]!++;
  for (let k = 1; k < samples.length; k++) {
    const previous = samples[k - 1]!;
    const next = samples[k]!;
    const start = Math.max(previous.at, from);
    const stop = Math.min(next.at, end);
    if (stop <= start) continue;
    const octets = trustedOctets(previous, next, speedBitsPerSecond);
    if (!octets) continue;
    const span = next.at - previous.at;
    for (let bucket = Math.floor((start - from) / BUCKET_MS); bucket < series.count; bucket++) {
      const bucketStart = from + bucket * BUCKET_MS;
      if (bucketStart >= stop) break;
      const overlap = Math.min(stop, bucketStart + BUCKET_MS) - Math.max(start, bucketStart);
      if (overlap <= 0) continue;
      series.coveredMs[bucket]! += overlap;
      series.inOctets[bucket]! += (octets.inOctets * overlap) / span;
      series.outOctets[bucket]! += (octets.outOctets * overlap) / span;
    }
  }
  return series;
}
