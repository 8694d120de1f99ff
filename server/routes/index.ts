import type { ApiRoute } from './api-route.js';
import { backupsRoute } from './backups.js';
import { ipAddressesRoute } from './ip-addresses.js';
import { planLatestRoute } from './plan-latest.js';
import { poolsRoute } from './pools.js';
import { racksRoute } from './racks.js';
import { runsRoute } from './runs.js';
import { serversRoute } from './servers.js';
import { tenantRoute } from './tenant.js';
import { tenantsRoute } from './tenants.js';
import { usageRoute } from './usage.js';
import { vmsRoute } from './vms.js';

/** Every data endpoint, in the order the OpenAPI document lists them. Adding one: a file in
 * routes/ and a line here. (/v1/health, /v1/openapi.json and /v1/docs need no token nor state and
 * are registered by build.ts.) */
export const ROUTES: readonly ApiRoute[] = [
  tenantsRoute,
  tenantRoute,
  vmsRoute,
  serversRoute,
  racksRoute,
  poolsRoute,
  ipAddressesRoute,
  backupsRoute,
  usageRoute,
  runsRoute,
  planLatestRoute,
];
