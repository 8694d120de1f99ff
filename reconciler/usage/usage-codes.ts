/** Diagnostic codes of traffic usage reports (what billing asks the API for). Permanent: never
 * renamed, never reused. */
export const USAGE_CODES = {
  USAGE_QUERY_UNKNOWN_PARAMETER: 'the usage query has a parameter it does not know; the answer names the allowed ones',
  USAGE_QUERY_PERIOD_INVALID: 'period must be a calendar month written YYYY-MM (UTC)',
  USAGE_QUERY_TIME_INVALID: 'from and to must be UTC timestamps (2026-11-01T00:00:00Z) on a 5-minute boundary',
  USAGE_QUERY_RANGE_INVALID: 'the usage query needs either period or both from and to, with from before to and at most 366 days apart',
  USAGE_QUERY_SCOPE_INVALID: 'scope must be tenant (with tenant=NAME), tenants, vm-interfaces or server-ports, with a valid resource name',
  USAGE_SUBJECT_UNKNOWN: 'the tenant, VM or server named in the usage query is not in the desired state',
} as const satisfies Record<string, string>;
