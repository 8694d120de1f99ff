import type { Driver } from '../driver.js';
import { applyZabbixChanges } from './apply-zabbix.js';
import { planZabbix, ZABBIX_DRIVER, ZABBIX_FACTS_KEY } from './plan-zabbix.js';

/** Publishing runs after every host driver (its target is the Zabbix endpoint, its own target, so
 * the order matters only among its own changes, which apply orders itself). */
const ZABBIX_DRIVER_ORDER = 90;

/** Publishes the inventory to Zabbix: host groups, hosts with interfaces, tags, inventory fields and
 * templates by role. Its facts are read from the Zabbix API by the session (the endpoint is a
 * service, not an SSH host); its changes target that endpoint and are applied in batches. */
export const zabbixDriver: Driver = {
  name: ZABBIX_DRIVER,
  order: ZABBIX_DRIVER_ORDER,
  factsKey: ZABBIX_FACTS_KEY,
  factsOf: 'service',
  plan: planZabbix,
  async apply(change, context) {
    const [outcome] = await applyZabbixChanges([change], context);
    return outcome!;
  },
  applyBatch: applyZabbixChanges,
};
