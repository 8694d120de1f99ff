import type { DiagnosticJson } from '../../inventory/core/diagnostic.js';
import type { Change } from '../plan/change.js';
import type { Drift } from '../plan/drift.js';
import type { PlanRevision } from '../plan/plan.js';
import type { PlanMessage } from './plan-json.js';

export type SummaryMessage = Extract<PlanMessage, { type: 'change_summary' }>;

/** What a plan says as a whole, the first thing a reader needs:
 * - `blocked`: it has errors; apply refuses it (whatever changes it lists);
 * - `changes`: apply would change something;
 * - `incomplete`: nothing to change, but warnings say part of the inventory was not compared;
 * - `in-sync`: nothing to change and nothing left out. */
export type PlanVerdict = 'blocked' | 'changes' | 'incomplete' | 'in-sync';

/** The plan as the human and markdown renderers read it: typed, built once from the JSON-lines
 * messages (what `--json` prints and the API serves), so the renderings cannot disagree. */
export interface PlanView {
  revision: PlanRevision | null;
  diagnostics: DiagnosticJson[];
  /** Changes apply makes, in apply order. */
  changes: Change[];
  /** No-ops kept for what they tell people (a backup policy's next full). */
  unchanged: Change[];
  drift: Drift[];
  summary: SummaryMessage | undefined;
  verdict: PlanVerdict;
}

export function planView(messages: readonly PlanMessage[]): PlanView {
  const diagnostics: DiagnosticJson[] = [];
  const all: Change[] = [];
  const drift: Drift[] = [];
  let summary: SummaryMessage | undefined;
  for (const m of messages) {
    if (m.type === 'diagnostic') {
      const { type: _type, ...diagnostic } = m;
      diagnostics.push(diagnostic);
    } else if (m.type === 'planned_change') {
      const { type: _type, ...change } = m;
      all.push(change as Change);
    } else if (m.type === 'drift') {
      const { type: _type, ...d } = m;
      drift.push(d);
    } else if (m.type === 'change_summary') summary = m;
  }
  const changes = all.filter((c) => c.action !== 'no-op');
  const errors = diagnostics.some((d) => d.severity === 'error');
  const verdict: PlanVerdict = errors ? 'blocked' : changes.length > 0 ? 'changes' : diagnostics.length > 0 ? 'incomplete' : 'in-sync';
  return { revision: summary?.revision ?? null, diagnostics, changes, unchanged: all.filter((c) => c.action === 'no-op'), drift, summary, verdict };
}

/** The one sentence every rendering opens its verdict with. */
export function verdictSentence(view: PlanView): string {
  const errors = view.diagnostics.filter((d) => d.severity === 'error').length;
  switch (view.verdict) {
    case 'blocked':
      return `The plan has ${errors === 1 ? 'an error' : `${errors} errors`}: apply refuses it${view.changes.length ? '' : ', and nothing could be planned where it failed'}. See the diagnostics.`;
    case 'changes':
      return 'pytin will perform these actions:';
    case 'incomplete':
      return 'No changes planned; see the diagnostics for what was not compared.';
    case 'in-sync':
      return 'No changes: the infrastructure matches the inventory.';
  }
}

/** `file:line:col: ` of a diagnostic, or '' when it has no place in the inventory. */
export function diagnosticPlace(d: DiagnosticJson): string {
  return d.range ? `${d.range.file}:${d.range.start.line}:${d.range.start.col}` : '';
}
