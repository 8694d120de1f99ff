import { actionGlyph, changeTarget, describeTarget } from '../plan/change.js';
import { changeDifferences, formatJsonValue } from './json-diff.js';
import type { PlanMessage } from './plan-json.js';
import { diagnosticPlace, planView, verdictSentence } from './plan-view.js';

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

/** The plan as a pull-request comment, rendered from the typed view of the JSON-lines messages;
 * never longer than MARKDOWN_LIMIT characters (the tail is cut with a note saying how much was
 * left out). */
export function renderPlanMarkdown(messages: readonly PlanMessage[]): string {
  const view = planView(messages);
  const summary = view.summary;
  const commit = view.revision?.commit ? `\`${view.revision.commit.slice(0, 12)}\`` : 'the work tree';
  const head = [
    `### pytin plan for ${commit}`,
    '',
    summary
      ? `**Plan: ${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy.** ${summary.drift} drift, ${summary.errors} errors, ${summary.warnings} warnings.`
      : '',
    '',
    view.verdict === 'blocked' ? `**${verdictSentence(view)}**` : verdictSentence(view).replace(/:$/, '.'),
    '',
  ];
  const sections: string[][] = [];
  if (view.diagnostics.length) {
    const lines = view.diagnostics.map((d) => {
      const place = diagnosticPlace(d);
      return `- **${d.severity}** \`${d.code}\` ${place ? `\`${place}\` ` : ''}${escapeCell(d.summary)}`;
    });
    sections.push(['#### Diagnostics', '', ...fold(`${view.diagnostics.length} diagnostics`, lines), '']);
  }
  const listed = [...view.changes, ...view.unchanged];
  if (listed.length) {
    const lines = ['| | address | driver | target | what |', '|---|---|---|---|---|'];
    for (const c of listed) {
      const what =
        c.action === 'update' || c.action === 'replace'
          ? changeDifferences(c)
              .map((d) => `\`${d.path}\`: ${formatJsonValue(d.before)} → ${formatJsonValue(d.after)}`)
              .join('<br>')
          : (c.reason ?? c.action);
      lines.push(
        `| \`${actionGlyph(c.action)}\` | \`${c.address}\` | ${c.driver} | ${escapeCell(describeTarget(changeTarget(c)))} | ${escapeCell(what)}${c.notes?.length ? `<br>⚠ ${escapeCell(c.notes.join('; '))}` : ''} |`,
      );
    }
    sections.push(['#### Changes', '', ...fold(`${listed.length} changes`, lines), '']);
  }
  if (view.drift.length) {
    const lines = ['| address | kind | evidence | |', '|---|---|---|---|'];
    for (const d of view.drift)
      lines.push(
        `| \`${d.address}\` | ${d.kind} | ${escapeCell(`${d.evidence.source} ${d.evidence.where}, ${d.evidence.seenAt}`)} | ${escapeCell(d.message)} |`,
      );
    sections.push(['#### Drift (observed, not acted on)', '', ...fold(`${view.drift.length} drift entries`, lines), '']);
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
