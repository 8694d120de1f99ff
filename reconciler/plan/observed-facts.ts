/** What the store knows about the world, as the planner reads it: plain data, loaded once per
 * plan by the session (the planner itself never touches the store). These types declare only
 * what planning needs; the store's own records are wider. */

/** The latest observation attempt of a switch or host. */
export interface ObservationStatus {
  status: 'running' | 'succeeded' | 'failed';
  startedAt: number;
  finishedAt: number | null;
  error: string | null;
}

export interface FactView<T = unknown> {
  value: T;
  /** When it was observed (ms since the epoch). */
  observedAt: number;
  /** The value's JSON text as the store keeps it, when read from the store. */
  json?: string;
}

/** One host: the last good facts of each kind ('basics', and each driver's facts key). */
export interface HostFactsView {
  facts: ReadonlyMap<string, FactView>;
  lastRun: ObservationStatus | undefined;
}

/** One switch's last complete walk, what network drift reads of it. */
export interface SwitchWalkView {
  observedAt: number;
  facts: {
    interfaces: ReadonlyArray<{ ifIndex: number; ifName: string | null; ifDescr: string | null }>;
    fdb: ReadonlyArray<{ mac: string; ifIndex: number | null }>;
  };
}

/** The latest sighting of an address, across devices. */
export interface AddressSighting {
  ip: string;
  mac: string;
  device: string;
  port: string | null;
  vlan: number | null;
  lastSeen: number;
}

export interface ObservedFacts {
  /** By server name: every server with SSH settings, observed or not; and a service endpoint's
   * facts (the Zabbix API read) under `service:NAME`. */
  hosts: ReadonlyMap<string, HostFactsView>;
  /** By switch name: every switch with SNMP settings, walked or not. */
  devices: ReadonlyMap<string, { facts: SwitchWalkView | undefined; lastRun: ObservationStatus | undefined }>;
  /** The most recent sighting of every address ever seen, per device that saw it (keyed device NUL ip). */
  sightings: ReadonlyMap<string, AddressSighting>;
  /** The state each address had after its last applied change, as JSON text. */
  lastApplied: ReadonlyMap<string, string>;
  /** sha256 of the facts changes are computed from (see fingerprint.ts). */
  fingerprint: string;
}
