import { nameFilter } from '../http/query-filters.js';
import { html } from './html.js';
import { rackedItems, usedUnits } from './rack-elevation.js';
import { rackFaceSvg } from './rack-svg.js';
import type { WebPage } from './web-page.js';

/** A rack's elevation, front and rear, and what is in it. */
export const rackPage: WebPage = {
  path: '/racks/:name',
  params: { name: nameFilter('the rack') },
  render: async ({ state, params, link, plans }) => {
    const model = await state.model();
    const name = params.name!;
    const rack = model.racks.get(name);
    if (!rack) return undefined;
    const items = rackedItems(model, name);
    const drift = (await plans.latest(state))?.driftByResource ?? new Map<string, never[]>();
    const used = usedUnits(model, name);
    const body = html`<p>
        ${rack.displayName ? html`${rack.displayName} · ` : ''}datacenter
        ${rack.datacenter}${rack.row ? html` · row ${rack.row}` : ''}${rack.tenant ? html` · rented to <a href="${link(`/tenants/${rack.tenant}`)}">${rack.tenant}</a>` : ''}
        · ${rack.units} units, <span data-used-units="${used}">${used}</span> used
      </p>
      <div class="faces">${rackFaceSvg(rack, 'front', items, drift, link)}${rackFaceSvg(rack, 'rear', items, drift, link)}</div>
      <h2>In this rack</h2>
      <table>
        <thead>
          <tr>
            <th>units</th>
            <th>face</th>
            <th>kind</th>
            <th>name</th>
            <th>serial</th>
            <th>model</th>
            <th>observed</th>
          </tr>
        </thead>
        <tbody>
          ${items.map(
            (i) =>
              html`<tr>
                <td>${i.position}${i.height > 1 ? `–${i.position + i.height - 1}` : ''}</td>
                <td>${i.faces.join(' + ')}</td>
                <td>${i.kind}</td>
                <td><a href="${link(`/devices/${i.kind}/${i.name}`)}">${i.name}</a></td>
                <td>${i.serial ?? ''}</td>
                <td>${i.model ?? ''}</td>
                <td>${(drift.get(`${i.kind}/${i.name}`) ?? []).map((d) => html`<span class="sev-warning">${d.kind}</span> `)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`;
    return { title: `Rack ${name}`, body };
  },
};
