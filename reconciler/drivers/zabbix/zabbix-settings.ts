import type { ConnectionSettings } from '../../../inventory/model/connection-settings.js';
import type { Desired } from '../../../inventory/model/desired-state.js';
import { resourcesOfKind } from '../../../inventory/model/desired-state.js';
import type { ZabbixConnectionSpec } from '../../../inventory/model/specs.js';

/** The Zabbix connection pytin publishes to, read from the TRUSTED connection settings (the
 * operator's protected ref), never from the revision under review: a branch cannot choose where
 * pytin sends its credentials or what it may delete there. At most one (a singleton kind). */
export function zabbixConnectionOf(connections: ConnectionSettings): Desired<ZabbixConnectionSpec> | undefined {
  return resourcesOfKind<ZabbixConnectionSpec>(connections.state, 'ZabbixConnection')[0];
}

/** The facts subject of the Zabbix endpoint in the store (a colon never occurs in a resource
 * name, so it cannot collide with a server's). */
export function zabbixSubject(name: string): string {
  return `service:${name}`;
}
