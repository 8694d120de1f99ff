import { vmRecord } from '../../reconciler/store/api/api-records.js';
import { nameFilter } from '../http/query-filters.js';
import type { ApiRoute } from './api-route.js';
import { byName, pageByName } from './paging.js';
import { VM_SCHEMA } from './record-schemas.js';

export const vmsRoute: ApiRoute = {
  id: 'vms',
  path: '/v1/vms',
  summary: 'Virtual machines with their interfaces, limits and the state their hypervisor last showed',
  filters: { tenant: nameFilter('only the VMs of this tenant'), hypervisor: nameFilter('only the VMs on this hypervisor') },
  paginated: byName,
  response: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: VM_SCHEMA } } },
  handle: async ({ state, filters, page }) => {
    const model = await state.model();
    const { domains } = await state.observed();
    const tenant = filters.get('tenant');
    const hypervisor = filters.get('hypervisor');
    const names = [...model.vms]
      .filter(([, vm]) => (tenant === undefined || vm.tenant === tenant) && (hypervisor === undefined || vm.hypervisor === hypervisor))
      .map(([name]) => ({ name }));
    const { items, next } = pageByName(names, page);
    return { body: { items: items.map((i) => vmRecord(model, i.name, domains)!) }, next };
  },
};
