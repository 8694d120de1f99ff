import { type PoolRecord, poolRecords } from '../../reconciler/store/api/api-records.js';
import { nameFilter } from '../http/query-filters.js';
import type { ApiRoute } from './api-route.js';
import { byName, pageByName } from './paging.js';
import { POOL_SCHEMA } from './record-schemas.js';

export const poolsRoute: ApiRoute = {
  id: 'pools',
  path: '/v1/pools',
  summary: 'IP pools with their size, allocated, reserved and free addresses, and utilisation',
  filters: { datacenter: nameFilter('only the pools routed in this datacenter (those routed in several or in any included)') },
  paginated: byName,
  response: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: POOL_SCHEMA } } },
  handle: async ({ state, filters, page }) => {
    const datacenter = filters.get('datacenter');
    const routedIn = (p: PoolRecord) => typeof datacenter !== 'string' || p.datacenters.length === 0 || p.datacenters.includes(datacenter);
    const records = poolRecords(await state.model()).filter(routedIn);
    const { items, next } = pageByName(records, page);
    return { body: { items }, next };
  },
};
