import { createHash } from 'node:crypto';
import { resourcesOfKind, type DesiredState } from '../../inventory/model/desired-state.js';
import type { ServerSpec, SwitchSpec } from '../../inventory/model/specs.js';
import type { Store } from '../store/open-store.js';
import { readManyHostFacts, type StoredHostFacts } from '../store/host-store.js';
import { readDeviceFacts, type StoredDeviceFacts } from '../store/device-store.js';
import { lastRun, type ObservationRun } from '../store/observation-runs.js';
import type { Row } from '../store/sqlite.js';
import { lastAppliedStates } from '../store/apply-runs.js';

/** The latest sighting of an address, across devices. */
export interface AddressSighting {
  ip: string;
  mac: string;
  device: string;
  port: string | null;
  vlan: number | null;
  lastSeen: number;
}

/** What the store knows about the world, for the inventory's switches and servers. Read once per
 * plan; the planner itself never touches the store. */
export interface ObservedFacts {
  hosts: Map<string, StoredHostFacts>;
  devices: Map<string, { facts: StoredDeviceFacts | undefined; lastRun: ObservationRun | undefined }>;
  /** The most recent sighting of every address ever seen. */
  sightings: Map<string, AddressSighting>;
  /** The state each address had after its last applied change, as JSON text. */
  lastApplied: Map<string, string>;
  /** sha256 of the facts changes are computed from (hosts' domains and tc). */
  fingerprint: string;
}

/** Host fact kinds that drivers plan from: a saved plan is stale when any of these changed.
 * (basics change with every observation — uptime — and plan nothing.) */
const PLANNED_FROM = ['domains', 'tc', 'backups'] as const;

export async function loadObservedFacts(store: Store, state: DesiredState): Promise<ObservedFacts> {
  const servers = resourcesOfKind<ServerSpec>(state, 'Server').filter((s) => s.spec.ssh);
  const hosts = await readManyHostFacts(store, servers.map((s) => s.name));
  const devices = new Map<string, { facts: StoredDeviceFacts | undefined; lastRun: ObservationRun | undefined }>();
  for (const sw of resourcesOfKind<SwitchSpec>(state, 'Switch').filter((s) => s.spec.snmp)) {
    devices.set(sw.name, { facts: await readDeviceFacts(store, sw.name), lastRun: await lastRun(store, 'snmp', sw.name) });
  }
  const rows = await store.all<Row & { ip: string; mac: string; device: string; port: string | null; vlan: number | null; last_seen: number }>(
    // The newest row per address (ties: the latest inserted).
    `SELECT h.ip, h.mac, h.device, h.port, h.vlan, h.last_seen FROM ip_history h
     WHERE h.id = (SELECT h2.id FROM ip_history h2 WHERE h2.ip = h.ip ORDER BY h2.last_seen DESC, h2.id DESC LIMIT 1)`,
  );
  const sightings = new Map(rows.map((r) => [r.ip, { ip: r.ip, mac: r.mac, device: r.device, port: r.port, vlan: r.vlan, lastSeen: r.last_seen }]));
  return { hosts, devices, sightings, lastApplied: await lastAppliedStates(store), fingerprint: fingerprintOf(hosts) };
}

/** The part of a fact kind changes depend on: for backups the installed files, not the series
 * reports (their lock ages move with the clock and plan nothing). */
function plannedPart(kind: (typeof PLANNED_FROM)[number], facts: StoredHostFacts): unknown {
  if (kind !== 'backups') return facts[kind]?.value ?? null;
  return facts.backups?.value.policies.map((p) => ({ name: p.name, cron: p.cron, exclude: p.exclude })) ?? null;
}

/** Canonical: hosts in name order, each kind's value as stored. */
export function fingerprintOf(hosts: ReadonlyMap<string, StoredHostFacts>): string {
  const hash = createHash('sha256');
  for (const name of [...hosts.keys()].sort()) {
    const facts = hosts.get(name)!;
    for (const kind of PLANNED_FROM) hash.update(`${name}\u0000${kind}\u0000${JSON.stringify(plannedPart(kind, facts))}\u0000`);
  }
  return hash.digest('hex');
}
