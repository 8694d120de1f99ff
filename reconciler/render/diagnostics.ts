import { countBySeverity, type Diagnostic, diagnosticToJson, formatDiagnostic } from '../../inventory/core/diagnostic.js';
import type { InventoryRevision } from '../../inventory/source/inventory-snapshot.js';

export function describeRevision(revision: InventoryRevision): string {
  const where = revision.path === '' ? 'the repository root' : revision.path;
  const commit = revision.commit ? revision.commit.slice(0, 12) : 'no commit';
  return revision.worktree ? `${where} (work tree on ${commit})` : `${where} at ${revision.ref ?? 'HEAD'} (${commit})`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Human form: one line per diagnostic (detail indented below it). */
export function renderDiagnosticsHuman(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${formatDiagnostic(d)}\n${d.detail ? `    ${d.detail.replace(/\n/g, '\n    ')}\n` : ''}`).join('');
}

export function renderDiagnosticsJsonLines(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => JSON.stringify({ type: 'diagnostic', ...diagnosticToJson(d) }) + '\n').join('');
}

export function severitySummary(diagnostics: readonly Diagnostic[]): string {
  const { errors, warnings } = countBySeverity(diagnostics);
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}
