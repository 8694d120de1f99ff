import { backupRecords } from '../../reconciler/store/api/api-records.js';
import { nameFilter } from '../http/query-filters.js';
import type { ApiRoute } from './api-route.js';
import { byName, pageByName } from './paging.js';
import { BACKUP_SCHEMA } from './record-schemas.js';

export const backupsRoute: ApiRoute = {
  id: 'backups',
  path: '/v1/backups',
  summary: 'Backup policies with what their host last showed: schedule installed, series and archives',
  filters: { host: nameFilter('only the policies of this host') },
  paginated: byName,
  response: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: BACKUP_SCHEMA } } },
  handle: async ({ state, filters, page }) => {
    const host = filters.get('host');
    const records = backupRecords(await state.model(), (await state.observed()).backupFacts).filter((b) => host === undefined || b.host === host);
    const { items, next } = pageByName(records, page);
    return { body: { items }, next };
  },
};
