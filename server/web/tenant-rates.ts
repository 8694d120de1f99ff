import type { SqlRunner } from '../../reconciler/store/file/sqlite.js';
import { findSampledPort } from '../../reconciler/store/usage/interface-samples.js';
import { BUCKET_MS, MIN_BUCKET_COVERAGE_MS } from '../../reconciler/usage/bucket-series.js';
import { loadBucketSeries } from '../../reconciler/usage/load-series.js';
import type { UsageAttribution } from '../../reconciler/usage/usage-attribution.js';

/** A tenant's 5-minute rates over [from, to): in and out bits per second of the per-bucket SUM of
 * its interfaces, null where no member has a rate (a gap, never drawn as zero). The same series and
 * the same rule (a bucket is rated when trusted counters cover half of it) as the usage report
 * whose 95th percentile the chart draws (reconciler/usage/usage-figures.ts). */
export interface TenantRates {
  from: number;
  inBits: Array<number | null>;
  outBits: Array<number | null>;
}

export async function tenantRates(db: SqlRunner, attribution: UsageAttribution, tenant: string, from: number, to: number): Promise<TenantRates> {
  const count = Math.max(0, Math.floor((to - from) / BUCKET_MS));
  const inBits: Array<number | null> = new Array<number | null>(count).fill(null);
  const outBits: Array<number | null> = new Array<number | null>(count).fill(null);
  const seen = new Set<string>();
  for (const member of attribution.members) {
    if (member.tenant !== tenant || !member.counters) continue;
    const key = `${member.counters.device}\0${member.counters.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const port = await findSampledPort(db, member.counters.device, member.counters.port);
    if (!port) continue;
    const series = await loadBucketSeries(db, port, from, to);
    for (let k = 0; k < Math.min(count, series.count); k++) {
      const covered = series.coveredMs[k]!;
      if (covered < MIN_BUCKET_COVERAGE_MS) continue;
      inBits[k] = (inBits[k] ?? 0) + (series.inOctets[k]! * 8 * 1000) / covered;
      outBits[k] = (outBits[k] ?? 0) + (series.outOctets[k]! * 8 * 1000) / covered;
    }
  }
  return { from, inBits, outBits };
}
