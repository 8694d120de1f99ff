import { serverRecord } from '../../reconciler/store/api/api-records.js';
import { enumFilter, nameFilter } from '../http/query-filters.js';
import type { ApiRoute } from './api-route.js';
import { byName, pageByName } from './paging.js';
import { SERVER_SCHEMA } from './record-schemas.js';

const ROLES = ['hypervisor', 'backup-node', 'shared-host', 'storage', 'router'] as const;

export const serversRoute: ApiRoute = {
  id: 'servers',
  path: '/v1/servers',
  summary: 'Physical servers with their rack place, roles, interfaces and cabling',
  filters: { rack: nameFilter('only the servers in this rack'), role: enumFilter(ROLES, 'only the servers with this role') },
  paginated: byName,
  response: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: SERVER_SCHEMA } } },
  handle: async ({ state, filters, page }) => {
    const model = await state.model();
    const rack = filters.get('rack');
    const role = filters.get('role') as (typeof ROLES)[number] | undefined;
    const records = [...model.servers.keys()]
      .map((name) => serverRecord(model, name)!)
      .filter((s) => (rack === undefined || s.rack === rack) && (role === undefined || s.roles.includes(role)));
    const { items, next } = pageByName(records, page);
    return { body: { items }, next };
  },
};
