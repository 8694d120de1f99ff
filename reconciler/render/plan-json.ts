import { type DiagnosticJson, diagnosticToJson } from '../../inventory/core/diagnostic.js';
import type { Change } from '../plan/change.js';
import type { Drift } from '../plan/drift.js';
import { type Plan, PLAN_FORMAT_VERSION, type PlanRevision, summarize } from '../plan/plan.js';

export type PlanMessage =
  | { type: 'version'; format: number; tool: 'pytin' }
  | ({ type: 'planned_change' } & Change)
  | ({ type: 'drift' } & Drift)
  | ({ type: 'diagnostic' } & DiagnosticJson)
  | {
      type: 'change_summary';
      add: number;
      change: number;
      destroy: number;
      drift: number;
      errors: number;
      warnings: number;
      revision: PlanRevision;
      factsFingerprint: string;
      createdAt: string;
    };

/** The plan as JSON-lines messages: what `--json` prints and the API serves. The human and
 * markdown forms are rendered from these messages, never from the Plan directly, so the three
 * cannot disagree. */
export function planMessages(plan: Plan): PlanMessage[] {
  const summary = summarize(plan);
  return [
    { type: 'version', format: PLAN_FORMAT_VERSION, tool: 'pytin' },
    ...plan.diagnostics.map((d) => ({ type: 'diagnostic' as const, ...diagnosticToJson(d) })),
    ...plan.changes.map((c) => ({ type: 'planned_change' as const, ...c })),
    ...plan.drift.map((d) => ({ type: 'drift' as const, ...d })),
    {
      type: 'change_summary',
      ...summary,
      drift: plan.drift.length,
      errors: plan.diagnostics.filter((d) => d.severity === 'error').length,
      warnings: plan.diagnostics.filter((d) => d.severity === 'warning').length,
      revision: plan.revision,
      factsFingerprint: plan.factsFingerprint,
      createdAt: plan.createdAt,
    },
  ];
}

export function renderPlanJsonLines(messages: readonly PlanMessage[]): string {
  return messages.map((m) => JSON.stringify(m) + '\n').join('');
}
