import { actionGlyph, type Change } from '../plan/change.js';
import type { Drift } from '../plan/drift.js';
import { formatJsonValue, jsonDifferences } from './json-diff.js';
import type { PlanMessage } from './plan-json.js';

export interface Style {
  add(text: string): string;
  change(text: string): string;
  destroy(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
}

const ANSI = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
export const COLOUR: Style = { add: ANSI(32), change: ANSI(33), destroy: ANSI(31), warn: ANSI(35), dim: ANSI(2) };
export const PLAIN: Style = { add: (t) => t, change: (t) => t, destroy: (t) => t, warn: (t) => t, dim: (t) => t };

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function styleFor(isTTY: boolean, env: NodeJS.ProcessEnv): Style {
  return isTTY && !env.NO_COLOR ? COLOUR : PLAIN;
}

function paint(style: Style, change: Change): (text: string) => string {
  switch (change.action) {
    case 'create':
      return style.add;
    case 'update':
    case 'no-op':
      return style.change;
    case 'replace':
    case 'delete':
      return style.destroy;
  }
}

function changeLines(change: Change, style: Style): string[] {
  const colour = paint(style, change);
  const where = change.host ? ` on ${change.host}` : '';
  const lines = [`${colour(actionGlyph(change.action).padStart(3))} ${change.address} ${style.dim(`(${change.driver}${where})`)}${change.reason ? ` — ${change.reason}` : ''}`];
  const differences = jsonDifferences(change.before ?? undefined, change.after ?? undefined);
  const shown = change.action === 'update' || change.action === 'replace' ? differences : [];
  for (const d of shown) lines.push(`      ${d.path}: ${formatJsonValue(d.before)} -> ${formatJsonValue(d.after)}`);
  for (const note of change.notes ?? []) lines.push(`      ${style.warn('note:')} ${note}`);
  return lines;
}

function driftLine(drift: Drift, style: Style): string {
  return `  ${style.warn('!')} ${drift.address}: ${drift.message} ${style.dim(`[${drift.kind}; ${drift.evidence.source} ${drift.evidence.where} at ${drift.evidence.seenAt}]`)}`;
}

/** The plan for people, rendered from the JSON-lines messages. */
export function renderPlanHuman(messages: readonly PlanMessage[], style: Style): string {
  const out: string[] = [];
  const changes = messages.filter((m): m is PlanMessage & { type: 'planned_change' } => m.type === 'planned_change');
  const drift = messages.filter((m): m is PlanMessage & { type: 'drift' } => m.type === 'drift');
  const diagnostics = messages.filter((m) => m.type === 'diagnostic') as Array<Record<string, unknown>>;
  const summary = messages.find((m): m is Extract<PlanMessage, { type: 'change_summary' }> => m.type === 'change_summary');
  for (const d of diagnostics) {
    const range = d.range as { file: string; start: { line: number; col: number } } | null;
    out.push(`${range ? `${range.file}:${range.start.line}:${range.start.col}: ` : ''}${String(d.severity)} ${String(d.code)}: ${String(d.summary)}${d.address ? ` (${String(d.address)})` : ''}`);
  }
  if (diagnostics.length) out.push('');
  const actions = changes.filter((c) => c.action !== 'no-op');
  const unchanged = changes.filter((c) => c.action === 'no-op');
  // "Matches" only when nothing was left out: a host that was not observed is not known to match.
  if (actions.length === 0) out.push(diagnostics.length ? 'No changes planned; see the diagnostics above for what was not compared.' : 'No changes: the infrastructure matches the inventory.');
  else {
    out.push('pytin will perform these actions:', '');
    for (const change of actions) out.push(...changeLines(change, style));
  }
  if (unchanged.length) {
    out.push('', 'Unchanged, for information:');
    for (const change of unchanged) out.push(...changeLines(change, style));
  }
  if (drift.length) {
    out.push('', `Drift (${drift.length}): observed, not acted on:`);
    for (const d of drift) out.push(driftLine(d, style));
  }
  if (summary) {
    out.push('', `Plan: ${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy. ${summary.drift} drift.`);
  }
  return out.join('\n') + '\n';
}
