import { tenantSummaries } from '../../reconciler/store/api/api-records.js';
import type { ApiRoute } from './api-route.js';
import { byName, pageByName } from './paging.js';
import { TENANT_SUMMARY_SCHEMA } from './record-schemas.js';

export const tenantsRoute: ApiRoute = {
  id: 'tenants',
  path: '/v1/tenants',
  summary: 'Tenants (the customers billing knows), with how many VMs, servers, racks, devices, networks and addresses each holds',
  filters: {},
  paginated: byName,
  response: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: TENANT_SUMMARY_SCHEMA } } },
  handle: async ({ state, page }) => {
    const { items, next } = pageByName(tenantSummaries(await state.model()), page);
    return { body: { items }, next };
  },
};
