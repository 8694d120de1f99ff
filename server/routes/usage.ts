import type { AppliedModel } from '../../reconciler/store/api/applied-model.js';
import { attributionOf, type UsageAttribution } from '../../reconciler/usage/usage-attribution.js';
import { validateUsageQuery } from '../../reconciler/usage/usage-query.js';
import { usageReport } from '../../reconciler/usage/usage-report.js';
import { readSchemaFile } from '../../schemas/schema-registry.js';
import { ApiError } from '../http/api-error.js';
import { enumFilter, type FilterSpec, nameFilter } from '../http/query-filters.js';
import type { ApiRoute } from './api-route.js';

/** A parameter whose meaning validateUsageQuery checks (periods, times, their combinations):
 * here only its shape, so nothing odd reaches it. */
const textFilter = (description: string, pattern: string, expected: string): FilterSpec<string> => ({
  description,
  schema: { type: 'string', pattern },
  parse: (text) => (new RegExp(pattern).test(text) ? text : undefined),
  expected,
});

/** schemas/usage-report.schema.json with its `#/definitions/...` references inlined: the response
 * schema is embedded in the OpenAPI document, where those references would point elsewhere. */
function inlined(value: unknown, definitions: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => inlined(v, definitions));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const ref = object.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/definitions/')) return inlined(definitions[ref.slice('#/definitions/'.length)], definitions);
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, inlined(v, definitions)]));
}

const REPORT_SCHEMA = readSchemaFile('usage-report.schema.json');
const DEFINITIONS = (REPORT_SCHEMA.definitions ?? {}) as Record<string, unknown>;

/** A commit's model never changes (it is cached per commit): its attribution is worked out once,
 * not on every request. */
const attributions = new WeakMap<AppliedModel, UsageAttribution>();
export function attributionOfModel(model: AppliedModel): UsageAttribution {
  let found = attributions.get(model);
  if (!found) {
    found = attributionOf(
      [...model.tenants.keys()],
      [...model.servers].map(([name, spec]) => ({ name, spec })),
      [...model.vms].map(([name, spec]) => ({ name, spec })),
    );
    attributions.set(model, found);
  }
  return found;
}

export const usageRoute: ApiRoute = {
  id: 'usage',
  path: '/v1/usage',
  summary: 'Traffic for billing: bytes and the 95th percentile of 5-minute rates per tenant, VM interface or server port',
  description:
    "Over `period=YYYY-MM` (a UTC month) or `from`/`to` (UTC, on 5-minute boundaries). A tenant's percentile is computed on the per-bucket sum of its interfaces. `samples`, `ratedBuckets` and `coverage` show the gaps (agent restarts, counter resets and wraps are gaps, never zero or a spike). Server ports are measured at the switch port they are cabled to; VM interfaces are not sampled yet (reconciler/usage/README.md).",
  filters: {
    period: textFilter('a UTC calendar month', '^[0-9]{4}-(0[1-9]|1[0-2])$', 'a month such as 2026-11'),
    from: textFilter(
      'start (UTC, inclusive)',
      '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,3})?)?Z$',
      'a UTC time such as 2026-11-01T00:00:00Z',
    ),
    to: textFilter(
      'end (UTC, exclusive)',
      '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,3})?)?Z$',
      'a UTC time such as 2026-12-01T00:00:00Z',
    ),
    scope: enumFilter(
      ['tenant', 'tenants', 'vm-interfaces', 'server-ports'],
      'whose traffic: one tenant, every tenant (default), VM interfaces or server ports',
    ),
    tenant: nameFilter('the tenant (scope=tenant)'),
    vm: nameFilter('only this VM (scope=vm-interfaces)'),
    server: nameFilter('only this server (scope=server-ports)'),
  },
  response: {
    type: 'object',
    description: REPORT_SCHEMA.description as string,
    required: REPORT_SCHEMA.required as string[],
    properties: inlined(REPORT_SCHEMA.properties, DEFINITIONS) as Record<string, unknown>,
  },
  handle: async ({ state, filters }) => {
    const raw = Object.fromEntries([...filters].map(([name, value]) => [name, value]));
    const checked = validateUsageQuery(raw);
    if ('failed' in checked) {
      const message = checked.failed.map((d) => `${d.code}: ${d.summary}`).join('; ');
      throw new ApiError(400, 'API_FILTER_INVALID', message, [...Object.keys(usageRoute.filters), 'rev'].sort());
    }
    const attribution = attributionOfModel(await state.model());
    const answer = await state.snapshot((db) => usageReport(db, checked.query, attribution));
    // USAGE_SUBJECT_UNKNOWN: no such tenant, VM or server at this revision.
    if ('failed' in answer) return undefined;
    return { body: { ...answer.report } };
  },
};
