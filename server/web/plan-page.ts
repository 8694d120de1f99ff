import { actionGlyph, type Change, changeTarget, describeTarget } from '../../reconciler/plan/change.js';
import { changeDifferences, formatJsonValue } from '../../reconciler/render/json-diff.js';
import { diagnosticPlace, verdictSentence } from '../../reconciler/render/plan-view.js';
import { html } from './html.js';
import type { WebPage } from './web-page.js';

/** What a change does, as the markdown comment words it: the fields that differ, or its reason. */
function what(c: Change) {
  if (c.action === 'update' || c.action === 'replace')
    return changeDifferences(c).map((d) => html`<div><code>${d.path}</code>: ${formatJsonValue(d.before)} → ${formatJsonValue(d.after)}</div>`);
  return c.reason ?? c.action;
}

/** The plan applied for the commit shown (any earlier applied commit through `?rev=`): the same
 * content as the pull-request comment (reconciler/render/plan-markdown.ts), rendered from the same
 * typed view of the same JSON messages (/v1/plan/latest), with the changes grouped by target. */
export const planPage: WebPage = {
  path: '/plan',
  render: async ({ state, commit, plans }) => {
    const plan = await plans.latest(state);
    if (!plan) return { title: 'Plan', body: html`<p class="muted">The apply of commit ${commit} recorded no plan.</p>` };
    const view = plan.view;
    const s = view.summary;
    const listed = [...view.changes, ...view.unchanged];
    const byTarget = new Map<string, Change[]>();
    for (const c of listed) {
      const target = describeTarget(changeTarget(c));
      byTarget.set(target, [...(byTarget.get(target) ?? []), c]);
    }
    const body = html`<p>Applied by run ${plan.runId}.</p>
      ${s ? html`<p><strong data-summary="${s.add} ${s.change} ${s.destroy}">Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.</strong> ${s.drift} drift, ${s.errors} errors, ${s.warnings} warnings.</p>` : ''}
      <p class="verdict">${verdictSentence(view).replace(/:$/, '.')}</p>
      ${
        view.diagnostics.length
          ? html`<h2>Diagnostics</h2>
              <ul>
                ${view.diagnostics.map((d) => {
                  const place = diagnosticPlace(d);
                  return html`<li>
                    <span class="sev-${d.severity}">${d.severity}</span> <code>${d.code}</code> ${place ? html`<code>${place}</code> ` : ''}${d.summary}
                  </li>`;
                })}
              </ul>`
          : ''
      }
      ${
        listed.length
          ? html`<h2>Changes</h2>
              ${[...byTarget].map(
                ([target, changes]) =>
                  html`<h3>${target}</h3>
                    <table>
                      <thead>
                        <tr>
                          <th></th>
                          <th>address</th>
                          <th>driver</th>
                          <th>what</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${changes.map(
                          (c) =>
                            html`<tr data-change="${c.action} ${c.address}">
                              <td><code>${actionGlyph(c.action)}</code></td>
                              <td><code>${c.address}</code></td>
                              <td>${c.driver}</td>
                              <td>${what(c)}${c.notes?.length ? html`<div class="sev-warning">⚠ ${c.notes.join('; ')}</div>` : ''}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>`,
              )}`
          : ''
      }
      ${
        view.drift.length
          ? html`<h2>Drift (observed, not acted on)</h2>
              <table>
                <thead>
                  <tr>
                    <th>address</th>
                    <th>kind</th>
                    <th>evidence</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  ${view.drift.map(
                    (d) =>
                      html`<tr data-drift="${d.address}">
                        <td><code>${d.address}</code></td>
                        <td>${d.kind}</td>
                        <td>${d.evidence.source} ${d.evidence.where}, ${d.evidence.seenAt}</td>
                        <td>${d.message}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
          : ''
      }`;
    return { title: `Plan for ${commit.slice(0, 12)}`, body };
  },
};
