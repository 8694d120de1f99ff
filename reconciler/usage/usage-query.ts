import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { isResourceName } from '../../schemas/formats/names.js';
import { BUCKET_MS } from './bucket-series.js';

/** Whose traffic a report covers: one tenant (the per-bucket sum of its interfaces), every tenant
 * (one row each), VM interfaces or server switch ports (one row each, optionally of one VM or
 * server). */
export type UsageScope =
  { kind: 'tenant'; tenant: string } | { kind: 'tenants' } | { kind: 'vm-interfaces'; vm?: string } | { kind: 'server-ports'; server?: string };

/** A checked usage query: [from, to) in milliseconds since the epoch, both on 5-minute UTC
 * boundaries. */
export interface UsageQuery {
  from: number;
  to: number;
  scope: UsageScope;
}

/** The parameters validateUsageQuery reads (as the API's query string names them). */
export const USAGE_QUERY_PARAMETERS = ['period', 'from', 'to', 'scope', 'tenant', 'vm', 'server'] as const;

const MAX_RANGE_MS = 366 * 24 * 3600 * 1000;
const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** ISO 8601 in UTC only: a local time would make billing periods depend on where the API runs. */
const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;

const error = (code: string, summary: string): Diagnostic => ({ severity: 'error', code, summary });

function parseTime(name: string, text: string, problems: Diagnostic[]): number | undefined {
  const at = UTC_TIME.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(at)) {
    problems.push(error('USAGE_QUERY_TIME_INVALID', `${name}=${JSON.stringify(text.slice(0, 64))} is not a UTC timestamp such as 2026-11-01T00:00:00Z`));
    return undefined;
  }
  if (at % BUCKET_MS !== 0) {
    problems.push(error('USAGE_QUERY_TIME_INVALID', `${name}=${text} is not on a 5-minute boundary (usage is counted in 5-minute UTC buckets)`));
    return undefined;
  }
  return at;
}

function parseScope(values: Map<string, string>, problems: Diagnostic[]): UsageScope | undefined {
  const kind = values.get('scope') ?? (values.has('tenant') ? 'tenant' : 'tenants');
  const named = (parameter: 'tenant' | 'vm' | 'server'): string | undefined | null => {
    const name = values.get(parameter);
    if (name === undefined) return undefined;
    if (isResourceName(name)) return name;
    problems.push(error('USAGE_QUERY_SCOPE_INVALID', `${parameter}=${JSON.stringify(name.slice(0, 64))} is not a resource name`));
    return null;
  };
  const misplaced = (allowed: readonly string[]): boolean => {
    const extra = ['tenant', 'vm', 'server'].filter((p) => values.has(p) && !allowed.includes(p));
    if (extra.length) problems.push(error('USAGE_QUERY_SCOPE_INVALID', `scope=${kind} does not take ${extra.join(', ')}`));
    return extra.length > 0;
  };
  switch (kind) {
    case 'tenant': {
      const tenant = named('tenant');
      if (misplaced(['tenant']) || tenant === null) return undefined;
      if (tenant === undefined) {
        problems.push(error('USAGE_QUERY_SCOPE_INVALID', 'scope=tenant needs tenant=NAME'));
        return undefined;
      }
      return { kind, tenant };
    }
    case 'tenants':
      return misplaced([]) ? undefined : { kind };
    case 'vm-interfaces': {
      const vm = named('vm');
      if (misplaced(['vm']) || vm === null) return undefined;
      return vm === undefined ? { kind } : { kind, vm };
    }
    case 'server-ports': {
      const server = named('server');
      if (misplaced(['server']) || server === null) return undefined;
      return server === undefined ? { kind } : { kind, server };
    }
    default:
      problems.push(error('USAGE_QUERY_SCOPE_INVALID', `scope=${JSON.stringify(kind.slice(0, 64))}: use tenant, tenants, vm-interfaces or server-ports`));
      return undefined;
  }
}

/** Checks a usage query as it comes from a query string (values are strings; a repeated
 * parameter is an array and refused). `ignored` names parameters the caller handles itself (the
 * API's `rev`). Every problem is reported at once, each with a USAGE_* code; a valid query is
 * returned only when there is none. Never throws on any input. */
export function validateUsageQuery(raw: Readonly<Record<string, unknown>>, ignored: readonly string[] = []): { query: UsageQuery } | { failed: Diagnostic[] } {
  const problems: Diagnostic[] = [];
  const values = new Map<string, string>();
  const allowed: readonly string[] = USAGE_QUERY_PARAMETERS;
  for (const [name, value] of Object.entries(raw)) {
    if (ignored.includes(name)) continue;
    if (!allowed.includes(name)) {
      problems.push(
        error('USAGE_QUERY_UNKNOWN_PARAMETER', `unknown parameter ${JSON.stringify(name.slice(0, 64))}; allowed: ${[...allowed, ...ignored].join(', ')}`),
      );
    } else if (typeof value !== 'string' || value.length > 256) {
      problems.push(error('USAGE_QUERY_UNKNOWN_PARAMETER', `${name} must be given once, as text of at most 256 characters`));
    } else {
      values.set(name, value);
    }
  }
  let from: number | undefined;
  let to: number | undefined;
  const period = values.get('period');
  if (period !== undefined) {
    if (values.has('from') || values.has('to')) problems.push(error('USAGE_QUERY_RANGE_INVALID', 'give either period or from and to, not both'));
    const match = PERIOD.exec(period);
    if (!match) problems.push(error('USAGE_QUERY_PERIOD_INVALID', `period=${JSON.stringify(period.slice(0, 64))} is not a month written YYYY-MM`));
    else {
      from = Date.UTC(Number(match[1]), Number(match[2]) - 1, 1);
      to = Date.UTC(Number(match[1]), Number(match[2]), 1);
    }
  } else if (values.has('from') && values.has('to')) {
    from = parseTime('from', values.get('from')!, problems);
    to = parseTime('to', values.get('to')!, problems);
    if (from !== undefined && to !== undefined && !(from < to && to - from <= MAX_RANGE_MS)) {
      problems.push(error('USAGE_QUERY_RANGE_INVALID', 'from must be before to, and at most 366 days before it'));
    }
  } else {
    problems.push(error('USAGE_QUERY_RANGE_INVALID', 'give period=YYYY-MM or both from and to'));
  }
  const scope = parseScope(values, problems);
  if (problems.length || from === undefined || to === undefined || !scope) return { failed: problems };
  return { query: { from, to, scope } };
}
