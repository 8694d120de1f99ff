import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import type { PlanContext, PlanningDriver } from '../drivers/planning-driver.js';
import type { Change } from './change.js';
import { networkDrift, type DriftPolicy } from './network-drift.js';
import type { Plan } from './plan.js';
import { safetyDiagnostics, type SafetyPolicy } from './safety.js';

export interface PlanPolicy extends DriftPolicy, SafetyPolicy {}

/** Changes in apply order: by host, then driver dependency order, then address. */
export function orderChanges(changes: readonly Change[], drivers: readonly PlanningDriver[]): Change[] {
  const order = new Map(drivers.map((d) => [d.name, d.order]));
  return [...changes].sort(
    (a, b) =>
      (a.host ?? '').localeCompare(b.host ?? '') ||
      (order.get(a.driver) ?? 0) - (order.get(b.driver) ?? 0) ||
      a.address.localeCompare(b.address),
  );
}

/** The plan: a pure function of the desired state, the observed facts and the policy. */
export function buildPlan(context: PlanContext, drivers: readonly PlanningDriver[], policy: PlanPolicy): Plan {
  const changes: Change[] = [];
  const drift = networkDrift(context.state, context.facts, policy);
  const diagnostics: Diagnostic[] = [];
  for (const driver of drivers) {
    const contribution = driver.plan(context);
    // A no-op is kept only when it tells people something (a backup policy's next full and prune).
    changes.push(...contribution.changes.filter((c) => c.action !== 'no-op' || (c.notes?.length ?? 0) > 0));
    drift.push(...contribution.drift);
    diagnostics.push(...contribution.diagnostics);
  }
  const ordered = orderChanges(changes, drivers);
  diagnostics.push(...safetyDiagnostics(ordered, context, policy));
  drift.sort((a, b) => a.address.localeCompare(b.address) || a.kind.localeCompare(b.kind));
  return {
    revision: { ...context.state.revision },
    factsFingerprint: context.facts.fingerprint,
    createdAt: new Date(context.now).toISOString(),
    changes: ordered,
    drift,
    diagnostics,
  };
}
