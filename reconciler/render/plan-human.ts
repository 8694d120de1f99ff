import { actionGlyph, type Change, changeTarget, describeTarget } from '../plan/change.js';
import type { Drift } from '../plan/drift.js';
import { changeDifferences, formatJsonValue } from './json-diff.js';
import type { PlanMessage } from './plan-json.js';
import { diagnosticPlace, planView, verdictSentence } from './plan-view.js';

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
  const where = ` on ${describeTarget(changeTarget(change))}`;
  const lines = [
    `${colour(actionGlyph(change.action).padStart(3))} ${change.address} ${style.dim(`(${change.driver}${where})`)}${change.reason ? ` — ${change.reason}` : ''}`,
  ];
  for (const d of changeDifferences(change)) lines.push(`      ${d.path}: ${formatJsonValue(d.before)} -> ${formatJsonValue(d.after)}`);
  for (const note of change.notes ?? []) lines.push(`      ${style.warn('note:')} ${note}`);
  return lines;
}

function driftLine(drift: Drift, style: Style): string {
  return `  ${style.warn('!')} ${drift.address}: ${drift.message} ${style.dim(`[${drift.kind}; ${drift.evidence.source} ${drift.evidence.where} at ${drift.evidence.seenAt}]`)}`;
}

/** The plan for people, rendered from the typed view of the JSON-lines messages. */
export function renderPlanHuman(messages: readonly PlanMessage[], style: Style): string {
  const view = planView(messages);
  const out: string[] = [];
  for (const d of view.diagnostics) {
    const place = diagnosticPlace(d);
    out.push(`${place ? `${place}: ` : ''}${d.severity} ${d.code}: ${d.summary}${d.address ? ` (${d.address})` : ''}`);
  }
  if (view.diagnostics.length) out.push('');
  out.push(view.verdict === 'blocked' ? style.destroy(verdictSentence(view)) : verdictSentence(view));
  if (view.changes.length) {
    if (view.verdict === 'blocked') out.push('', 'The changes it would make:');
    out.push('');
    for (const change of view.changes) out.push(...changeLines(change, style));
  }
  if (view.unchanged.length) {
    out.push('', 'Unchanged, for information:');
    for (const change of view.unchanged) out.push(...changeLines(change, style));
  }
  if (view.drift.length) {
    out.push('', `Drift (${view.drift.length}): observed, not acted on:`);
    for (const d of view.drift) out.push(driftLine(d, style));
  }
  const summary = view.summary;
  if (summary) out.push('', `Plan: ${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy. ${summary.drift} drift.`);
  return out.join('\n') + '\n';
}
