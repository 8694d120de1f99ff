import { describeNetwork } from '../../inventory/model/pool-layout.js';
import { poolRecords } from '../../reconciler/store/api/api-records.js';
import type { HeldAddress } from '../../reconciler/store/api/applied-model.js';
import { formatIp } from '../../schemas/formats/ip.js';
import { nameFilter } from '../http/query-filters.js';
import { addressCells, CELL_STATES, countCells } from './address-cells.js';
import { html, type SafeHtml } from './html.js';
import { poolMapSvg } from './pool-map-svg.js';
import type { WebPage } from './web-page.js';

/** Pools up to this many addresses get one cell per address; larger IPv4 pools up to /16 one row
 * per /24; anything larger (IPv6) the counts and the addresses pytin knows. */
const CELLS_UP_TO = 256n;
const BLOCKS_UP_TO = 65_536n;
const KNOWN_LISTED = 256;

const legend = (counts: Record<string, number>) =>
  html`<ul class="legend">
    ${CELL_STATES.map((s) => html`<li class="cell-${s}">${s} <strong data-count="${s}">${counts[s] ?? 0}</strong></li>`)}
  </ul>`;

/** A pool: the API's counts (/v1/pools) and a map of its addresses coloured by state. */
export const poolPage: WebPage = {
  path: '/pools/:name',
  params: { name: nameFilter('the pool') },
  render: async ({ state, params, link, now }) => {
    const model = await state.model();
    const name = params.name!;
    const pool = model.pools.get(name);
    const record = poolRecords(model).find((p) => p.name === name);
    if (!pool || !record) return undefined;
    const { sightings, known } = await state.observed();
    const head = html`<p>
        ${record.cidr}${record.range ? ` (range ${record.range})` : ''} · datacenter
        ${record.datacenter}${record.vlan !== null ? ` · VLAN ${record.vlan}` : ''}${record.gateway ? ` · gateway ${record.gateway}` : ''}${pool.spec.tenant ? html` · rented to <a href="${link(`/tenants/${pool.spec.tenant}`)}">${pool.spec.tenant}</a>` : ''}
      </p>
      <table class="pool-usage">
        <tbody>
          <tr>
            <th>size</th>
            <td data-api="size">${record.size}</td>
            <th>allocated</th>
            <td data-api="allocated">${record.allocated}</td>
            <th>reserved</th>
            <td data-api="reserved">${record.reserved}</td>
            <th>free</th>
            <td data-api="free">${record.free}</td>
            <th>used</th>
            <td>${(record.utilisation * 100).toFixed(1)} %</td>
          </tr>
        </tbody>
      </table>`;
    const layout = pool.layout;
    const heldHere = model.heldByPool.get(name) ?? new Map<string, HeldAddress>();
    let map: SafeHtml;
    if (!layout) map = html`<p class="muted">The pool's network cannot be drawn.</p>`;
    else {
      const size = layout.network.last - layout.network.first + 1n;
      if (size <= CELLS_UP_TO) {
        const cells = addressCells(layout, layout.network.first, layout.network.last, heldHere, sightings, now);
        map = html`<h2>Addresses</h2>
          ${legend(countCells(cells))}${poolMapSvg(cells)}`;
      } else if (layout.network.version === 4 && size <= BLOCKS_UP_TO) {
        const rows: SafeHtml[] = [];
        const total = Object.fromEntries(CELL_STATES.map((s) => [s, 0]));
        for (let first = layout.network.first; first <= layout.network.last; first += 256n) {
          const counts = countCells(addressCells(layout, first, first + 255n, heldHere, sightings, now));
          for (const s of CELL_STATES) total[s]! += counts[s];
          rows.push(
            html`<tr data-block="${formatIp({ version: 4, value: first })}/24">
              <td>${formatIp({ version: 4, value: first })}/24</td>
              ${CELL_STATES.map((s) => html`<td>${counts[s]}</td>`)}
            </tr>`,
          );
        }
        map = html`<h2>Per /24</h2>
          ${legend(total)}
          <table>
            <thead>
              <tr>
                <th>block</th>
                ${CELL_STATES.map((s) => html`<th>${s}</th>`)}
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`;
      } else {
        const mine = known.filter((k) => k.pool === name);
        map = html`<h2>Known addresses of ${describeNetwork(layout)}</h2>
          <p class="muted">
            Too many addresses to draw one by one: the addresses held or
            seen${mine.length > KNOWN_LISTED ? `, the first ${KNOWN_LISTED} of ${mine.length}` : ''}.
          </p>
          <table>
            <thead>
              <tr>
                <th>address</th>
                <th>status</th>
                <th>holder</th>
                <th>last seen</th>
              </tr>
            </thead>
            <tbody>
              ${mine.slice(0, KNOWN_LISTED).map((k) => {
                const seen = sightings.get(k.ip);
                return html`<tr data-ip="${k.ip}">
                  <td>${k.ip}</td>
                  <td>${k.status}</td>
                  <td>${k.holder ?? ''}</td>
                  <td>${seen ? new Date(seen.lastSeen).toISOString() : ''}</td>
                </tr>`;
              })}
            </tbody>
          </table>`;
      }
    }
    return { title: `Pool ${name}`, body: html`${head}${map}` };
  },
};
