import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { mapBounded } from '../support/bounded-parallel.js';
import type { Store } from '../store/open-store.js';
import { recordDeviceWalk } from '../store/device-store.js';
import { recordHostObservation } from '../store/host-store.js';
import { recordFailedRun } from '../store/observation-runs.js';
import type { SshPool } from '../transports/ssh/ssh-pool.js';
import type { HostTarget } from './hosts/host-target.js';
import { observeHost } from './hosts/observe-host.js';
import { observeDevice } from './snmp/observe-device.js';
import type { DeviceToObserve } from './snmp-targets.js';
import { isCompleteWalk, snmpFactsForStore } from './snmp-facts-for-store.js';

export type ObservationSubject = { source: 'snmp'; device: DeviceToObserve } | { source: 'host'; host: HostTarget };

/** The outcome of observing one device or host; its facts are in the store. */
export interface ObservationResult {
  source: 'snmp' | 'host';
  /** The switch's or server's name in the inventory. */
  subject: string;
  address: string;
  ok: boolean;
  durationMs: number;
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
  const ok = complete && !diagnostics.some((d) => d.severity === 'error');
  const summary = complete
    ? `${facts.interfaces.length} interfaces, ${facts.arp.length} ARP, ${facts.fdb.length} forwarding, ${facts.lldp.length} LLDP rows`
    : 'incomplete walk; the last good facts are kept';
  return { source: 'snmp', subject: device.name, address, ok, durationMs: finishedAt - startedAt, summary, diagnostics };
}

async function observeServer(host: HostTarget, options: ObserveInventoryOptions): Promise<ObservationResult> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const address = `server/${host.name}`;
  const facts = await observeHost(host, { pool: options.pool, now });
  await recordHostObservation(options.store, { startedAt, facts });
  const diagnostics = facts.diagnostics.map((d) => ({ ...d, address }));
  const parts = [facts.domains ? `${facts.domains.length} domains` : null, facts.tc ? `tc on ${facts.tc.interfaces.length} interfaces` : null, facts.basics ? `up ${Math.round(facts.basics.uptimeSeconds / 3600)} h` : null].filter(Boolean);
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return { source: 'host', subject: host.name, address, ok, durationMs: now() - startedAt, summary: parts.length ? parts.join(', ') : 'nothing observed', diagnostics };
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
