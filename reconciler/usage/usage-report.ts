import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { assertNever } from '../../inventory/core/errors.js';
import type { SqlRunner } from '../store/file/sqlite.js';
import { findSampledPort } from '../store/usage/interface-samples.js';
import { BUCKET_MS, type BucketSeries, emptyBucketSeries } from './bucket-series.js';
import { loadBucketSeries } from './load-series.js';
import type { UsageAttribution, UsageMember } from './usage-attribution.js';
import { type UsageFigures, usageFigures } from './usage-figures.js';
import type { UsageQuery } from './usage-query.js';

/** One row of a usage report (reconciler/usage/usage-report.schema.json). */
export interface UsageRow extends UsageFigures {
  /** `tenant/acme`, `server/hv-01/eno1` or `vm/web-01/eth0`. */
  subject: string;
  kind: 'tenant' | 'server-port' | 'vm-interface';
  tenant: string | null;
  /** Where the counters come from: `switch/sw-r01/Gi1/0/1`; null when nothing samples it. */
  counters: string | null;
  /** A tenant's interfaces (all of them; those without counters add nothing). */
  members?: string[];
}

export interface UsageReport {
  from: string;
  to: string;
  bucketSeconds: number;
  percentile: 95;
  rows: UsageRow[];
}

/** Reads each member's samples once per report and turns them into buckets. */
class SeriesReader {
  readonly #cache = new Map<string, BucketSeries>();
  constructor(
    private readonly store: SqlRunner,
    private readonly query: UsageQuery,
  ) {}

  async series(member: UsageMember): Promise<BucketSeries> {
    const { from, to } = this.query;
    if (!member.counters) return emptyBucketSeries(from, to);
    const key = `${member.counters.device}\0${member.counters.port}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const port = await findSampledPort(this.store, member.counters.device, member.counters.port);
    const series = port ? await loadBucketSeries(this.store, port, from, to) : emptyBucketSeries(from, to);
    this.#cache.set(key, series);
    return series;
  }
}

const countersOf = (m: UsageMember): string | null => (m.counters ? `switch/${m.counters.device}/${m.counters.port}` : null);

function unknown(summary: string, address: string): { failed: Diagnostic[] } {
  return { failed: [{ severity: 'error', code: 'USAGE_SUBJECT_UNKNOWN', summary, address }] };
}

/** Traffic usage for billing over [query.from, query.to): bytes in and out, and the 95th
 * percentile of 5-minute rates (in, out, and the larger of the two), with the samples used and the
 * coverage of the period so gaps show. `attribution` is the desired state's (usageAttribution) of
 * the revision the caller answers for. Read-only. */
export async function usageReport(
  store: SqlRunner,
  query: UsageQuery,
  attribution: UsageAttribution,
): Promise<{ report: UsageReport } | { failed: Diagnostic[] }> {
  const reader = new SeriesReader(store, query);
  const buckets = Math.floor((query.to - query.from) / BUCKET_MS);
  const interfaceRow = async (m: UsageMember): Promise<UsageRow> => ({
    subject: m.subject,
    kind: m.kind,
    tenant: m.tenant,
    counters: countersOf(m),
    ...usageFigures([await reader.series(m)], buckets),
  });
  const tenantRow = async (tenant: string): Promise<UsageRow> => {
    const members = attribution.members.filter((m) => m.tenant === tenant);
    const series: BucketSeries[] = [];
    for (const m of members) if (m.counters) series.push(await reader.series(m));
    return { subject: `tenant/${tenant}`, kind: 'tenant', tenant, counters: null, members: members.map((m) => m.subject), ...usageFigures(series, buckets) };
  };
  const rows: UsageRow[] = [];
  const { scope } = query;
  switch (scope.kind) {
    case 'tenant':
      if (!attribution.tenants.includes(scope.tenant)) return unknown(`no tenant "${scope.tenant}" in the desired state`, `tenant/${scope.tenant}`);
      rows.push(await tenantRow(scope.tenant));
      break;
    case 'tenants':
      for (const tenant of attribution.tenants) rows.push(await tenantRow(tenant));
      break;
    case 'vm-interfaces':
      if (scope.vm !== undefined && !attribution.vms.includes(scope.vm)) return unknown(`no VM "${scope.vm}" in the desired state`, `vm/${scope.vm}`);
      for (const m of attribution.members) if (m.kind === 'vm-interface' && (scope.vm === undefined || m.owner === scope.vm)) rows.push(await interfaceRow(m));
      break;
    case 'server-ports':
      if (scope.server !== undefined && !attribution.servers.includes(scope.server))
        return unknown(`no server "${scope.server}" in the desired state`, `server/${scope.server}`);
      for (const m of attribution.members)
        if (m.kind === 'server-port' && (scope.server === undefined || m.owner === scope.server)) rows.push(await interfaceRow(m));
      break;
    default:
      assertNever(scope, 'usage scope');
  }
  return {
    report: { from: new Date(query.from).toISOString(), to: new Date(query.to).toISOString(), bucketSeconds: BUCKET_MS / 1000, percentile: 95, rows },
  };
}
