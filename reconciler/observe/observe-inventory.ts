import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { recordDeviceWalk } from '../store/facts/device-store.js';
import { recordHostObservation } from '../store/facts/host-store.js';
import { recordFailedRun } from '../store/facts/observation-runs.js';
import type { Store } from '../store/open-store.js';
import { mapBounded } from '../support/bounded-parallel.js';
import type { SnmpTarget } from '../transports/snmp/snmp-target.js';
import type { SshPool } from '../transports/ssh/ssh-pool.js';
import type { SshTarget } from '../transports/ssh/ssh-target.js';
import type { HostProbe } from './hosts/host-probe.js';
import { observeHost } from './hosts/observe-host.js';
import { observeDevice } from './snmp/observe-device.js';
import { isCompleteWalk, snmpFactsForStore } from './snmp-facts-for-store.js';

/** A switch to observe: its name in the inventory and how to reach its agent. */
export interface DeviceToObserve {
  name: string;
  target: SnmpTarget;
}

/** A host to observe: how to reach it, and what each driver reads there. */
export interface HostToObserve {
  target: SshTarget;
  probes: readonly HostProbe[];
}

export type ObservationSubject = { source: 'snmp'; device: DeviceToObserve } | { source: 'host'; host: HostToObserve };

/** The outcome of observing one device or host; its facts are in the store. */
export interface ObservationResult {
  source: 'snmp' | 'host' | 'service';
  /** The switch's or server's name in the inventory. */
  subject: string;
  address: string;
  ok: boolean;
  /** From the first request to the facts being stored. */
  durationMs: number;
  /** The part of durationMs spent recording the facts in the store (switches and hosts). */
  storeMs?: number;
  /** One line for people: what was seen. */
  summary: string;
  diagnostics: Diagnostic[];
}

export interface ObserveInventoryOptions {
  store: Store;
  pool: SshPool;
  parallelism: number;
  onResult?: (result: ObservationResult) => void;
  now?: () => number;
}

async function observeSwitch(device: DeviceToObserve, options: ObserveInventoryOptions): Promise<ObservationResult> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const address = `switch/${device.name}`;
  const facts = await observeDevice(device.target);
  const finishedAt = now();
  const diagnostics = facts.diagnostics.map((d) => ({ ...d, address }));
  const complete = isCompleteWalk(facts);
  if (complete) {
    await recordDeviceWalk(options.store, { device: device.name, startedAt, finishedAt, facts: snmpFactsForStore(facts) });
  } else {
    const reason = diagnostics.find((d) => d.severity === 'error')?.summary ?? 'the walk did not complete';
    await recordFailedRun(options.store, { source: 'snmp', subject: device.name, startedAt, finishedAt, error: reason });
  }
  const storedAt = now();
  const ok = complete && !diagnostics.some((d) => d.severity === 'error');
  const summary = complete
    ? `${facts.interfaces.length} interfaces, ${facts.arp.length} ARP, ${facts.fdb.length} forwarding, ${facts.lldp.length} LLDP rows`
    : 'incomplete walk; the last good facts are kept';
  return { source: 'snmp', subject: device.name, address, ok, durationMs: storedAt - startedAt, storeMs: storedAt - finishedAt, summary, diagnostics };
}

async function observeServer(host: HostToObserve, options: ObserveInventoryOptions): Promise<ObservationResult> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const name = host.target.name;
  const address = `server/${name}`;
  const observation = await observeHost(host.target, host.probes, { pool: options.pool, now });
  const observedAt = now();
  const diagnostics = observation.diagnostics.map((d) => ({ ...d, address }));
  await recordHostObservation(options.store, {
    host: name,
    startedAt,
    observedAt: observation.observedAt,
    facts: new Map([['basics', observation.basics], ...observation.facts]),
    errors: diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.summary}`),
  });
  const storedAt = now();
  const parts = [...observation.summaries, ...(observation.basics ? [`up ${Math.round(observation.basics.uptimeSeconds / 3600)} h`] : [])];
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return {
    source: 'host',
    subject: name,
    address,
    ok,
    durationMs: storedAt - startedAt,
    storeMs: storedAt - observedAt,
    summary: parts.length ? parts.join('; ') : 'nothing observed',
    diagnostics,
  };
}

/** Observes switches and hosts, `parallelism` at once, each independently (one unreachable
 * device never stops the others), and stores what each showed as soon as it is done. */
export function observeInventory(subjects: readonly ObservationSubject[], options: ObserveInventoryOptions): Promise<ObservationResult[]> {
  return mapBounded(subjects, options.parallelism, async (subject) => {
    const result = subject.source === 'snmp' ? await observeSwitch(subject.device, options) : await observeServer(subject.host, options);
    options.onResult?.(result);
    return result;
  });
}
