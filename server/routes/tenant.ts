import { tenantRecord } from '../../reconciler/store/api/api-records.js';
import { nameFilter } from '../http/query-filters.js';
import type { ApiRoute } from './api-route.js';
import { TENANT_SCHEMA } from './record-schemas.js';

export const tenantRoute: ApiRoute = {
  id: 'tenant',
  path: '/v1/tenants/:name',
  summary: 'One tenant: its VMs, dedicated servers, racks and rack units, devices, networks, VRFs, addresses, bandwidth limits and backups',
  params: { name: nameFilter('the tenant') },
  filters: {},
  response: { type: 'object', required: ['tenant'], properties: { tenant: TENANT_SCHEMA } },
  handle: async ({ state, params }) => {
    const observed = await state.observed();
    const tenant = tenantRecord(await state.model(), params.name!, observed);
    return tenant ? { body: { tenant } } : undefined;
  },
};
