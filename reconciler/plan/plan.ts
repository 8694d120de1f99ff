import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import type { Change } from './change.js';
import type { Drift } from './drift.js';

/** Version of the plan's JSON formats (JSON lines, saved plan files); bumped on any incompatible
 * change. */
export const PLAN_FORMAT_VERSION = 1;

export interface PlanRevision {
  commit: string | null;
  ref: string | null;
  worktree: boolean;
  path: string;
}

/** A plan is bound to its inputs: applying it when the commit or the facts changed is refused. */
export interface Plan {
  revision: PlanRevision;
  /** sha256 of the observed facts the plan was computed from. */
  factsFingerprint: string;
  createdAt: string;
  changes: Change[];
  drift: Drift[];
  diagnostics: Diagnostic[];
}

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
}

/** Counts as Terraform does: a replace both adds and destroys. */
export function summarize(plan: Pick<Plan, 'changes'>): PlanSummary {
  const summary = { add: 0, change: 0, destroy: 0 };
  for (const change of plan.changes) {
    if (change.action === 'create') summary.add++;
    else if (change.action === 'update') summary.change++;
    else if (change.action === 'delete') summary.destroy++;
    else if (change.action === 'replace') {
      summary.add++;
      summary.destroy++;
    }
  }
  return summary;
}
