import { BUCKET_MS, type BucketSeries, MIN_BUCKET_COVERAGE_MS } from './bucket-series.js';
import { percentile95 } from './percentile.js';

/** What billing reads for one interface or one tenant over a period. Rates are bits per second of
 * 5-minute buckets; bytes are octets counted by the interface (in = received by the device port
 * or interface the counters belong to). */
export interface UsageFigures {
  bytesIn: number;
  bytesOut: number;
  p95InBitsPerSecond: number | null;
  p95OutBitsPerSecond: number | null;
  /** The p95 of max(in, out) per bucket (what most transit contracts bill). */
  p95MaxBitsPerSecond: number | null;
  /** Counter samples taken inside the period. */
  samples: number;
  /** Buckets with a rate (covered at least half by trusted counter intervals). */
  ratedBuckets: number;
  bucketsInPeriod: number;
  /** Share of the period (0..1) the trusted counter intervals cover, over all members. */
  coverage: number;
}

/** The figures of the per-bucket SUM of the members' rates. Invariant: a tenant's p95 is the p95
 * of its summed traffic, never a sum of per-interface percentiles (that would bill peaks that
 * never happened at the same time). A bucket is rated when at least one member has a rate in it;
 * members without one add nothing to it (the coverage shows the gap). */
export function usageFigures(members: readonly BucketSeries[], bucketsInPeriod: number): UsageFigures {
  const inRates: number[] = [];
  const outRates: number[] = [];
  const maxRates: number[] = [];
  let bytesIn = 0;
  let bytesOut = 0;
  let covered = 0;
  let samples = 0;
  for (const m of members) {
    for (let k = 0; k < m.count; k++) {
      bytesIn += m.inOctets[k]!;
      bytesOut += m.outOctets[k]!;
      covered += m.coveredMs[k]! + m.hourlyCoveredMs[k]!;
      samples += m.samples[k]!;
    }
  }
  for (let k = 0; k < bucketsInPeriod; k++) {
    let rated = false;
    let inRate = 0;
    let outRate = 0;
    for (const m of members) {
      const coveredMs = m.coveredMs[k]!;
      if (coveredMs < MIN_BUCKET_COVERAGE_MS) continue;
      rated = true;
      inRate += (m.inOctets[k]! * 8 * 1000) / coveredMs;
      outRate += (m.outOctets[k]! * 8 * 1000) / coveredMs;
    }
    if (!rated) continue;
    inRates.push(inRate);
    outRates.push(outRate);
    maxRates.push(Math.max(inRate, outRate));
  }
  const periodMs = bucketsInPeriod * BUCKET_MS * members.length;
  return {
    bytesIn: Math.round(bytesIn),
    bytesOut: Math.round(bytesOut),
    p95InBitsPerSecond: percentile95(inRates),
    p95OutBitsPerSecond: percentile95(outRates),
    p95MaxBitsPerSecond: percentile95(maxRates),
    samples,
    ratedBuckets: inRates.length,
    bucketsInPeriod,
    coverage: periodMs > 0 ? covered / periodMs : 0,
  };
}
