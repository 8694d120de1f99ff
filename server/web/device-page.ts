import { serverRecord } from '../../reconciler/store/api/api-records.js';
import { enumFilter, nameFilter } from '../http/query-filters.js';
import { html, type HtmlValue, type SafeHtml } from './html.js';
import { seenOnSwitch } from './plan-cache.js';
import type { RackedKind } from './rack-elevation.js';
import type { WebPage } from './web-page.js';

const KINDS: readonly RackedKind[] = ['server', 'switch', 'device'];

const placement = (p: { rack: string; position: number; height: number; face?: string }, link: (path: string) => string) =>
  html`<a href="${link(`/racks/${p.rack}`)}">${p.rack}</a>, units
    ${p.position}${p.height > 1 ? `–${p.position + p.height - 1}` : ''}${p.face ? ` (${p.face})` : ''}`;

const tenantLink = (tenant: string, link: (path: string) => string) => html`<a href="${link(`/tenants/${tenant}`)}">${tenant}</a>`;

const addressList = (addresses: readonly { name: string; ip: string }[] | undefined) => (addresses ?? []).map((a) => `${a.name} ${a.ip}`).join(', ');

/** A thing's properties as one two-column table; a falsy row (an optional property the YAML
 * leaves out) is not shown at all, while an empty value shows as an empty cell. */
function propertyTable(rows: readonly (readonly [label: string, value: HtmlValue] | false | undefined | '')[]): SafeHtml {
  return html`<table>
    <tbody>
      ${rows.map(
        (row) =>
          row &&
          html`<tr>
            <th>${row[0]}</th>
            <td>${row[1]}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** One racked thing: a server (serial, roles, interfaces and their cabling — the API's server
 * record), a switch (ports, and which server interface is cabled to each) or another device; and
 * the drift the latest plan reports about it. */
export const devicePage: WebPage = {
  path: '/devices/:kind/:name',
  params: { kind: enumFilter(KINDS, 'server, switch or device'), name: nameFilter('the device') },
  render: async ({ state, params, link, plans }) => {
    const model = await state.model();
    const kind = params.kind as RackedKind;
    const name = params.name!;
    const drift = (await plans.latest(state))?.driftByResource.get(`${kind}/${name}`) ?? [];
    let details: SafeHtml;
    if (kind === 'server') {
      const server = serverRecord(model, name);
      if (!server) return undefined;
      const spec = model.servers.get(name)!;
      details = html`${propertyTable([
          ['place', placement(spec.placement, link)],
          ['serial', server.serial ?? ''],
          ['model', server.model ?? ''],
          ['roles', server.roles.join(', ')],
          spec.tenant && ['tenant', tenantLink(spec.tenant, link)],
        ])}
        <h2>Interfaces</h2>
        <table>
          <thead>
            <tr>
              <th>name</th>
              <th>MAC</th>
              <th>speed</th>
              <th>cabled to</th>
              <th>addresses</th>
            </tr>
          </thead>
          <tbody>
            ${server.interfaces.map(
              (i) =>
                html`<tr>
                  <td>${i.name}</td>
                  <td><code>${i.mac ?? ''}</code></td>
                  <td>${i.speed ?? ''}</td>
                  <td>${i.cabledTo ? html`<a href="${link(`/devices/switch/${i.cabledTo.switch}`)}">${i.cabledTo.switch}</a> ${i.cabledTo.port}` : ''}</td>
                  <td>${i.ips.join(', ')}</td>
                </tr>`,
            )}
          </tbody>
        </table>`;
    } else if (kind === 'switch') {
      const spec = model.switches.get(name);
      if (!spec) return undefined;
      const cabled = new Map<string, string>();
      for (const [server, s] of model.servers)
        for (const i of s.interfaces ?? []) if (i.cabledTo?.switch === name) cabled.set(i.cabledTo.port, `${server}/${i.name}`);
      details = html`${propertyTable([
          ['place', placement(spec.placement, link)],
          ['serial', spec.serial ?? ''],
          ['model', spec.model ?? ''],
          ['addresses', addressList(spec.addresses)],
        ])}
        <h2>Ports</h2>
        <table>
          <thead>
            <tr>
              <th>port</th>
              <th>speed</th>
              <th>description</th>
              <th>cabled server interface</th>
              <th>observed</th>
            </tr>
          </thead>
          <tbody>
            ${spec.ports.map((p) => {
              const to = cabled.get(p.name);
              return html`<tr>
                <td>${p.name}</td>
                <td>${p.speed ?? ''}</td>
                <td>${p.description ?? ''}</td>
                <td>${to ? html`<a href="${link(`/devices/server/${to.split('/')[0]!}`)}">${to}</a>` : ''}</td>
                <td>
                  ${drift
                    .filter((d) => seenOnSwitch(d)?.port === p.name)
                    .map((d) => html`<div class="sev-warning" data-port-drift="${d.address}">MAC of ${d.address} seen here</div>`)}
                </td>
              </tr>`;
            })}
          </tbody>
        </table>`;
    } else {
      const spec = model.devices.get(name);
      if (!spec) return undefined;
      details = propertyTable([
        ['type', spec.type],
        ['place', placement(spec.placement, link)],
        ['serial', spec.serial ?? ''],
        ['model', spec.model ?? ''],
        spec.description && ['description', spec.description],
        spec.tenant && ['tenant', tenantLink(spec.tenant, link)],
        ['addresses', addressList(spec.addresses)],
      ]);
    }
    const observed = drift.length
      ? html`<ul>
          ${drift.map((d) => html`<li data-drift-kind="${d.kind}"><span class="sev-warning">${d.kind}</span> ${d.message} <span class="muted">(${d.evidence.source} ${d.evidence.where}, ${d.evidence.seenAt})</span></li>`)}
        </ul>`
      : html`<p class="muted">The latest plan reports no drift for it.</p>`;
    return {
      title: `${kind} ${name}`,
      body: html`${details}
        <h2>Observed</h2>
        ${observed}`,
    };
  },
};
