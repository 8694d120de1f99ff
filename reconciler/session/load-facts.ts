import type { ConnectionSettings } from '../../inventory/model/connection-settings.js';
import type { Driver } from '../drivers/driver.js';
import { zabbixConnectionOf, zabbixSubject } from '../drivers/zabbix/zabbix-settings.js';
import { fingerprintOf } from '../plan/fingerprint.js';
import type { AddressSighting, ObservedFacts, SwitchWalkView } from '../plan/observed-facts.js';
import { lastAppliedStates } from '../store/apply/apply-runs.js';
import { readDeviceFacts } from '../store/facts/device-store.js';
import { readManyHostFacts } from '../store/facts/host-store.js';
import { lastRun } from '../store/facts/observation-runs.js';
import type { Row } from '../store/file/sqlite.js';
import type { Store } from '../store/open-store.js';

/** Reads what the store knows about the servers and switches of the trusted connection settings
 * (the ones pytin observes), once per plan. */
export async function loadObservedFacts(store: Store, connections: ConnectionSettings, drivers: readonly Driver[]): Promise<ObservedFacts> {
  const servers = [...connections.servers.values()].filter((s) => s.ssh).map((s) => s.name);
  // A service endpoint's facts (what pytin read of the Zabbix API) sit beside the hosts' under
  // `service:NAME`, so the plan's fingerprint covers them too.
  const zabbix = zabbixConnectionOf(connections);
  if (zabbix && drivers.some((d) => d.name === 'zabbix')) servers.push(zabbixSubject(zabbix.name));
  const hosts = await readManyHostFacts(store, servers);
  const devices = new Map<string, { facts: SwitchWalkView | undefined; lastRun: Awaited<ReturnType<typeof lastRun>> }>();
  for (const sw of [...connections.switches.values()].filter((s) => s.snmp)) {
    devices.set(sw.name, { facts: await readDeviceFacts(store, sw.name), lastRun: await lastRun(store, 'snmp', sw.name) });
  }
  const rows = await store.all<Row & { ip: string; mac: string; device: string; port: string | null; vlan: number | null; last_seen: number }>(
    // The newest row per address and device (ties: the latest inserted): ARP is per device, and two
    // devices in two VRFs may see the same address as two different hosts.
    `SELECT h.ip, h.mac, h.device, h.port, h.vlan, h.last_seen FROM ip_history h
     WHERE h.id = (SELECT h2.id FROM ip_history h2 WHERE h2.ip = h.ip AND h2.device = h.device ORDER BY h2.last_seen DESC, h2.id DESC LIMIT 1)`,
  );
  const sightings = new Map<string, AddressSighting>(
    rows.map((r) => [`${r.device}\u0000${r.ip}`, { ip: r.ip, mac: r.mac, device: r.device, port: r.port, vlan: r.vlan, lastSeen: r.last_seen }]),
  );
  return { hosts, devices, sightings, lastApplied: await lastAppliedStates(store), fingerprint: fingerprintOf(hosts, drivers) };
}
