import { verdictSentence } from '../../reconciler/render/plan-view.js';
import { applyRunsPage } from '../../reconciler/store/api/api-reads.js';
import { poolRecords, tenantSummaries } from '../../reconciler/store/api/api-records.js';
import { html } from './html.js';
import { usedUnits } from './rack-elevation.js';
import type { WebPage } from './web-page.js';

const BAR = 120;
const iso = (ms: number) => new Date(ms).toISOString();

/** A usage bar drawn with SVG attributes (the CSP allows no inline style). */
const bar = (ratio: number) =>
  html`<svg width="${BAR}" height="10" viewBox="0 0 ${BAR} 10" role="img" aria-label="${(ratio * 100).toFixed(1)} %">
    <rect class="bar-track" width="${BAR}" height="10"></rect>
    <rect class="bar" width="${Math.round(Math.min(1, ratio) * BAR)}" height="10"></rect>
  </svg>`;

/** `/`: datacenters and their racks, pool utilisation, tenants, the latest apply run and the
 * summary of the plan applied for the commit shown. */
export const overviewPage: WebPage = {
  path: '/',
  render: async ({ state, link, plans }) => {
    const model = await state.model();
    // Units used counted with the racked devices (PDUs, patch panels), as the elevation draws them.
    const racks = [...model.racks].map(([name, spec]) => ({
      name,
      datacenter: spec.datacenter,
      row: spec.row ?? null,
      units: spec.units,
      usedUnits: usedUnits(model, name),
    }));
    const datacenters = [...new Set(racks.map((r) => r.datacenter))].sort();
    const pools = poolRecords(model);
    const [run] = await state.snapshot((db) => applyRunsPage(db, null, 1));
    const view = (await plans.latest(state))?.view ?? null;
    const body = html`<h2>Datacenters and racks</h2>
      ${datacenters.map(
        (dc) =>
          html`<h3>${dc}</h3>
            <table>
              <thead>
                <tr>
                  <th>rack</th>
                  <th>row</th>
                  <th>units used</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${racks
                  .filter((r) => r.datacenter === dc)
                  .map(
                    (r) =>
                      html`<tr>
                        <td><a href="${link(`/racks/${r.name}`)}">${r.name}</a></td>
                        <td>${r.row ?? ''}</td>
                        <td>${r.usedUnits} / ${r.units}</td>
                        <td>${bar(r.units ? r.usedUnits / r.units : 0)}</td>
                      </tr>`,
                  )}
              </tbody>
            </table>`,
      )}
      <h2>IP pools</h2>
      <table>
        <thead>
          <tr>
            <th>pool</th>
            <th>network</th>
            <th>allocated</th>
            <th>reserved</th>
            <th>free</th>
            <th>used</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${pools.map(
            (p) =>
              html`<tr data-pool="${p.name}">
                <td><a href="${link(`/pools/${p.name}`)}">${p.name}</a></td>
                <td>${p.cidr}</td>
                <td>${p.allocated}</td>
                <td>${p.reserved}</td>
                <td>${p.free}</td>
                <td>${(p.utilisation * 100).toFixed(1)} %</td>
                <td>${bar(p.utilisation)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>Tenants</h2>
      <table>
        <thead>
          <tr>
            <th>tenant</th>
            <th>name</th>
            <th>billing id</th>
            <th>VMs</th>
            <th>addresses</th>
          </tr>
        </thead>
        <tbody>
          ${tenantSummaries(model).map(
            (t) =>
              html`<tr>
                <td><a href="${link(`/tenants/${t.name}`)}">${t.name}</a></td>
                <td>${t.displayName ?? ''}</td>
                <td>${t.billingId}</td>
                <td>${t.vms}</td>
                <td>${t.addresses}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>Latest apply</h2>
      ${
        run
          ? html`<p>
              Run ${run.id} <strong>${run.status}</strong> of ${run.commit ? html`<code>${run.commit.slice(0, 12)}</code>` : 'no commit'} by ${run.holder},
              started ${iso(run.startedAt)}${run.finishedAt !== null ? `, finished ${iso(run.finishedAt)}` : ''}: ${run.outcomes.applied} applied,
              ${run.outcomes.failed} failed, ${run.outcomes.skipped} skipped.
            </p>`
          : html`<p class="muted">No apply run recorded.</p>`
      }
      <h2>Plan applied for this commit</h2>
      ${
        view
          ? html`<p>
              ${view.summary ? html`<strong>${view.summary.add} to add, ${view.summary.change} to change, ${view.summary.destroy} to destroy</strong>, ${view.summary.drift} drift. ` : ''}${verdictSentence(view).replace(/:$/, '.')}
              <a href="${link('/plan')}">The whole plan</a>.
            </p>`
          : html`<p class="muted">The apply of this commit recorded no plan.</p>`
      }`;
    return { title: 'Overview', body };
  },
};
