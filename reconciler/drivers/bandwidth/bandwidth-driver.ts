import type { JsonValue } from '../../plan/change.js';
import type { Driver, DriverPlan } from '../driver.js';
import { applyShaping } from './apply-shaping.js';
import type { TcDesired } from './compile-shaping.js';
import { planShaping } from './plan-shaping.js';
import type { TcObserved } from './read-shaping.js';

/** One shared host to plan: what git wants, what was observed (null: tc not observed), and the
 * state the last apply read back (from the store; null when there is none). */
export type BandwidthHostInput = {
  desired: TcDesired;
  observed: TcObserved | null;
  lastApplied?: JsonValue | null;
  observedAt?: string;
};

export type BandwidthPlanInput = { hosts: BandwidthHostInput[] };

/** Dependency order within a host: addresses (10) before VMs (20) before limits. */
export const BANDWIDTH_DRIVER_ORDER = 30;

/** The tc driver: per-address HTB + u32 shaping of shared hosts (the old OpenVZ shaper). */
export const bandwidthDriver: Driver<BandwidthPlanInput> = {
  name: 'tc',
  order: BANDWIDTH_DRIVER_ORDER,
  plan(input: BandwidthPlanInput): DriverPlan {
    const out: DriverPlan = { changes: [], drift: [], diagnostics: [] };
    for (const host of input.hosts) {
      const p = planShaping(host.desired, host.observed, { lastApplied: host.lastApplied ?? null, observedAt: host.observedAt });
      out.changes.push(...p.changes);
      out.drift.push(...p.drift);
      out.diagnostics.push(...p.diagnostics);
    }
    return out;
  },
  apply: (change, context) => applyShaping(change, context),
};
