import { actionGlyph } from '../plan/change.js';
import { formatJsonValue, jsonDifferences } from './json-diff.js';
import type { PlanMessage } from './plan-json.js';

/** GitHub and GitLab refuse comments past 65,536 characters; stay well below. */
export const MARKDOWN_LIMIT = 60_000;
/** A section longer than this many lines is folded. */
const FOLD_AFTER_LINES = 20;

function fold(summary: string, lines: string[]): string[] {
  if (lines.length <= FOLD_AFTER_LINES) return lines;
  return ['<details>', `<summary>${summary}</summary>`, '', ...lines, '', '</details>'];
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The plan as a pull-request comment, rendered from the JSON-lines messages; never longer than
 * MARKDOWN_LIMIT characters (the tail is cut with a note saying how much was left out). */
export function renderPlanMarkdown(messages: readonly PlanMessage[]): string {
  const summary = messages.find((m): m is Extract<PlanMessage, { type: 'change_summary' }> => m.type === 'change_summary');
  const changes = messages.filter((m): m is PlanMessage & { type: 'planned_change' } => m.type === 'planned_change');
  const drift = messages.filter((m): m is PlanMessage & { type: 'drift' } => m.type === 'drift');
  const diagnostics = messages.filter((m) => m.type === 'diagnostic') as Array<Record<string, unknown>>;
  const commit = summary?.revision.commit ? `\`${summary.revision.commit.slice(0, 12)}\`` : 'the work tree';
  const head = [
    `### pytin plan for ${commit}`,
    '',
    summary ? `**Plan: ${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy.** ${summary.drift} drift, ${summary.errors} errors, ${summary.warnings} warnings.` : '',
    '',
  ];
  const sections: string[][] = [];
  if (diagnostics.length) {
    const lines = diagnostics.map((d) => {
      const range = d.range as { file: string; start: { line: number; col: number } } | null;
      return `- **${String(d.severity)}** \`${String(d.code)}\` ${range ? `\`${range.file}:${range.start.line}:${range.start.col}\` ` : ''}${String(d.summary)}`;
    });
    sections.push(['#### Diagnostics', '', ...fold(`${diagnostics.length} diagnostics`, lines), '']);
  }
  if (changes.length) {
    const lines = ['| | address | driver | host | what |', '|---|---|---|---|---|'];
    for (const c of changes) {
      const what = c.action === 'update' || c.action === 'replace'
        ? jsonDifferences(c.before ?? undefined, c.after ?? undefined).map((d) => `\`${d.path}\`: ${formatJsonValue(d.before)} → ${formatJsonValue(d.after)}`).join('<br>')
        : (c.reason ?? c.action);
      lines.push(`| \`${actionGlyph(c.action)}\` | \`${c.address}\` | ${c.driver} | ${c.host ?? ''} | ${escapeCell(what)}${c.notes?.length ? `<br>⚠ ${escapeCell(c.notes.join('; '))}` : ''} |`);
    }
    sections.push(['#### Changes', '', ...fold(`${changes.length} changes`, lines), '']);
  } else sections.push(['No changes: the infrastructure matches the inventory.', '']);
  if (drift.length) {
    const lines = ['| address | kind | evidence | |', '|---|---|---|---|'];
    for (const d of drift) lines.push(`| \`${d.address}\` | ${d.kind} | ${escapeCell(`${d.evidence.source} ${d.evidence.where}, ${d.evidence.seenAt}`)} | ${escapeCell(d.message)} |`);
    sections.push(['#### Drift (observed, not acted on)', '', ...fold(`${drift.length} drift entries`, lines), '']);
  }
  let text = head.join('\n');
  for (const section of sections) {
    for (const line of section) {
      const next = line + '\n';
      if (text.length + next.length > MARKDOWN_LIMIT - 200) {
        const leftOut = section.length - section.indexOf(line);
        const openFolds = (text.match(/<details>/g)?.length ?? 0) - (text.match(/<\/details>/g)?.length ?? 0);
        return `${text}\n… cut here: the comment limit was reached (${leftOut}+ lines left out). The full plan is in the CI log (\`pytin plan --json\`).\n${'</details>\n'.repeat(openFolds)}`;
      }
      text += next;
    }
  }
  return text;
}
