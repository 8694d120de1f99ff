import { createHash } from 'node:crypto';

import type { Change } from './change.js';
import type { Plan } from './plan.js';

/** What apply acts on in a change: everything but the words for people (reason, notes). */
function actionable(change: Change): unknown {
  return {
    address: change.address,
    action: change.action,
    driver: change.driver,
    host: change.host ?? null,
    service: change.service ?? null,
    before: change.before,
    after: change.after,
    fields: change.fields ?? null,
  };
}

/** The changes apply would make, as canonical JSON (no-ops carry nothing to apply). */
function actionableJson(changes: readonly Change[]): string[] {
  return changes.filter((c) => c.action !== 'no-op').map((c) => JSON.stringify(actionable(c)));
}

/** Where two plans' actionable changes differ, or undefined when they are the same. */
export function changesDiffer(saved: readonly Change[], derived: readonly Change[]): string | undefined {
  const a = actionableJson(saved);
  const b = actionableJson(derived);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const change = saved.filter((c) => c.action !== 'no-op')[i] ?? derived.filter((c) => c.action !== 'no-op')[i];
    return `change ${i + 1} (${change?.action ?? '?'} ${change?.address ?? '?'}) is not what the plan's commit and facts give`;
  }
  return undefined;
}

/** A hash of what a plan binds and does, recorded with every apply of it. */
export function planHash(plan: Pick<Plan, 'changes' | 'revision' | 'factsFingerprint'>): string {
  return createHash('sha256')
    .update(JSON.stringify({ revision: plan.revision, facts: plan.factsFingerprint, changes: plan.changes }))
    .digest('hex');
}
