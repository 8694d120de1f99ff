import { rackRecord } from '../../reconciler/store/api/api-records.js';
import { nameFilter } from '../http/query-filters.js';
import type { ApiRoute } from './api-route.js';
import { byName, pageByName } from './paging.js';
import { RACK_SCHEMA } from './record-schemas.js';

export const racksRoute: ApiRoute = {
  id: 'racks',
  path: '/v1/racks',
  summary: 'Racks with their unit layout: what occupies each unit',
  filters: { datacenter: nameFilter('only the racks of this datacenter') },
  paginated: byName,
  response: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: RACK_SCHEMA } } },
  handle: async ({ state, filters, page }) => {
    const model = await state.model();
    const datacenter = filters.get('datacenter');
    const records = [...model.racks.keys()].map((name) => rackRecord(model, name)!).filter((r) => datacenter === undefined || r.datacenter === datacenter);
    const { items, next } = pageByName(records, page);
    return { body: { items }, next };
  },
};
