import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import type { Change } from './change.js';
import { type DriftPolicy, networkDrift } from './network-drift.js';
import { observationCoverage } from './observation-coverage.js';
import type { Plan } from './plan.js';
import type { PlanInput, PlanningDriver } from './planning-port.js';
import { safetyDiagnostics, type SafetyPolicy } from './safety.js';

export interface PlanPolicy extends DriftPolicy, SafetyPolicy {}

/** Changes in apply order: by target, then driver dependency order, then address. */
export function orderChanges(changes: readonly Change[], drivers: readonly PlanningDriver[]): Change[] {
  const order = new Map(drivers.map((d) => [d.name, d.order]));
  // Hosts first, then services; each by name.
  const kind = (c: Change) => (c.host !== undefined ? 0 : 1);
  const name = (c: Change) => c.host ?? c.service ?? '';
  return [...changes].sort(
    (a, b) =>
      kind(a) - kind(b) || name(a).localeCompare(name(b)) || (order.get(a.driver) ?? 0) - (order.get(b.driver) ?? 0) || a.address.localeCompare(b.address),
  );
}

/** The plan: a pure function of the desired state, the observed facts and the policy. */
export function buildPlan(input: PlanInput, drivers: readonly PlanningDriver[], policy: PlanPolicy): Plan {
  const changes: Change[] = [];
  const drift = networkDrift(input.state, input.facts, policy);
  const diagnostics: Diagnostic[] = observationCoverage(input);
  for (const driver of drivers) {
    const contribution = driver.plan(input);
    // A no-op is kept only when it tells people something (a backup policy's next full and prune).
    // Loops, not push(...spread): a spread passes every item as an argument, and a large
    // inventory's hundred thousand entries would overflow the stack.
    for (const change of contribution.changes) if (change.action !== 'no-op' || (change.notes?.length ?? 0) > 0) changes.push(change);
    for (const d of contribution.drift) drift.push(d);
    for (const d of contribution.diagnostics) diagnostics.push(d);
  }
  const ordered = orderChanges(changes, drivers);
  for (const d of safetyDiagnostics(ordered, input.state, policy)) diagnostics.push(d);
  drift.sort((a, b) => a.address.localeCompare(b.address) || a.kind.localeCompare(b.kind));
  return {
    revision: { ...input.state.revision },
    factsFingerprint: input.facts.fingerprint,
    createdAt: new Date(input.now).toISOString(),
    changes: ordered,
    drift,
    diagnostics,
  };
}
