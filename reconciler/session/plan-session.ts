import { resourcesOfKind } from '../../inventory/model/desired-state.js';
import type { StoreSpec } from '../../inventory/model/specs.js';
import type { ObservationResult } from '../observe/observe-inventory.js';
import { buildPlan, type PlanPolicy } from '../plan/build-plan.js';
import type { Plan } from '../plan/plan.js';
import type { SafetyPolicy } from '../plan/safety.js';
import { loadObservedFacts } from './load-facts.js';
import type { Session } from './open-session.js';

export interface PlanRequest {
  /** Observe every switch and host first. */
  refresh: boolean;
  /** The operator's flags: what may be destroyed. */
  safety: SafetyPolicy;
  /** The time the plan is made at (default: now). Drift and backup notes depend on it. */
  now?: number;
  /** Called with each refresh result as it ends. */
  onRefreshResult?: (result: ObservationResult) => void;
}

export interface PlanResult {
  plan: Plan;
  /** The observations of a refresh (empty without one). */
  refreshed: ObservationResult[];
}

export function planPolicyFor(session: Pick<Session, 'state'>, safety: SafetyPolicy, now: number): PlanPolicy {
  const store = resourcesOfKind<StoreSpec>(session.state, 'Store')[0]?.spec;
  return { now, lastSeenWarningDays: store?.lastSeenWarningDays ?? 31, reservationWarningDays: store?.reservationWarningDays ?? 15, ...safety };
}

/** Observes (with refresh), loads the facts and plans: what `plan` and `apply --auto-approve` do. */
export async function planInSession(session: Session, request: PlanRequest): Promise<PlanResult> {
  const refreshed = request.refresh ? await session.observe(undefined, request.onRefreshResult) : [];
  const now = request.now ?? Date.now();
  const facts = await loadObservedFacts(session.store, session.connections, session.drivers);
  const built = buildPlan(
    { state: session.state, connections: session.connections, files: session.files, facts, now, sources: session.sources },
    session.drivers,
    planPolicyFor(session, request.safety, now),
  );
  // Connection settings (a missing SNMP community) matter only when this run talks to devices.
  const plan = { ...built, diagnostics: [...session.inventoryWarnings, ...(request.refresh ? session.setupDiagnostics : []), ...built.diagnostics] };
  return { plan, refreshed };
}
