import type { JsonValue } from '../../../inventory/core/json-value.js';
import { resourcesOfKind } from '../../../inventory/model/desired-state.js';
import type { ServerSpec } from '../../../inventory/model/specs.js';
import type { DriverPlan } from '../../plan/planning-port.js';
import type { Driver } from '../driver.js';
import { applyShaping } from './apply-shaping.js';
import { compileShaping, shapingDevices, type TcDesired } from './compile-shaping.js';
import { TC_FACTS_KEY, tcProbe } from './observe-tc.js';
import { planShaping } from './plan-shaping.js';
import { readShaping, type TcObserved } from './read-shaping.js';
import type { TcFacts } from './tc-facts.js';

/** One shared host to plan: what git wants, what was observed (null: tc not observed), and the
 * state the last apply read back (from the store; null when there is none). */
export type BandwidthHostInput = {
  desired: TcDesired;
  observed: TcObserved | null;
  lastApplied?: JsonValue | null;
  observedAt?: string;
};

/** Dependency order within a host: VMs (20) before limits (30). */
export const BANDWIDTH_DRIVER_ORDER = 30;

export function planBandwidthHosts(hosts: readonly BandwidthHostInput[]): DriverPlan {
  const out: DriverPlan = { changes: [], drift: [], diagnostics: [] };
  for (const host of hosts) {
    const p = planShaping(host.desired, host.observed, { lastApplied: host.lastApplied ?? null, observedAt: host.observedAt });
    out.changes.push(...p.changes);
    out.drift.push(...p.drift);
    out.diagnostics.push(...p.diagnostics);
  }
  return out;
}

/** The tc driver: per-address HTB + u32 shaping of shared hosts (the old OpenVZ shaper). It reads
 * tc on every host it can reach (an empty listing where nothing is shaped), plans the servers with
 * a shaping section, and applies one tc batch per host. */
export const bandwidthDriver: Driver = {
  name: 'tc',
  order: BANDWIDTH_DRIVER_ORDER,
  factsKey: TC_FACTS_KEY,
  // A saved plan depends on the shaping tc shows (tree, scaffolding, foreign objects), never on
  // tc's own counters (direct_packets_stat moves with every unclassified packet): exactly what
  // plan() reads through readShaping.
  plannedFrom: (facts) => readShaping(facts as TcFacts),
  hostProbe(server, connections) {
    const shaping = (connections.state.resources.get(server.address)?.spec as ServerSpec | undefined)?.shaping;
    const interfaces = shaping?.interfaces ?? [];
    // The ifb devices upload shaping uses appear with the first apply.
    return tcProbe({ interfaces, optional: shapingDevices(shaping).filter((d) => !interfaces.includes(d)) });
  },
  plan(input) {
    const hosts: BandwidthHostInput[] = [];
    for (const server of resourcesOfKind<ServerSpec>(input.state, 'Server')) {
      const last = input.facts.lastApplied.get(`shaping/${server.name}`);
      // A server whose shaping section is gone is still planned while pytin's record of its last
      // apply names interfaces: their tc objects are pytin's to remove.
      if (!server.spec.shaping && last === undefined) continue;
      const stored = input.facts.hosts.get(server.name)?.facts.get(TC_FACTS_KEY);
      const observed = stored ? readShaping(stored.value as TcFacts) : null;
      hosts.push({
        desired: compileShaping(server.name, server.spec.shaping, observed),
        observed,
        lastApplied: last === undefined ? null : (JSON.parse(last) as JsonValue),
        ...(stored ? { observedAt: new Date(stored.observedAt).toISOString() } : {}),
      });
    }
    return planBandwidthHosts(hosts);
  },
  apply: applyShaping,
};
