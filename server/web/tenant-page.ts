import { tenantRecord } from '../../reconciler/store/api/api-records.js';
import { validateUsageQuery } from '../../reconciler/usage/usage-query.js';
import { usageReport } from '../../reconciler/usage/usage-report.js';
import { type FilterSpec, nameFilter } from '../http/query-filters.js';
import { attributionOfModel } from '../routes/usage.js';
import { html } from './html.js';
import { tenantRates } from './tenant-rates.js';
import { formatBits, usageChartSvg } from './usage-chart-svg.js';
import type { WebPage } from './web-page.js';

const PERIOD_FILTER: FilterSpec<string> = {
  description: 'the UTC month whose usage is shown (default: the current one)',
  schema: { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' },
  parse: (text) => (/^[0-9]{4}-(0[1-9]|1[0-2])$/.test(text) ? text : undefined),
  expected: 'a month such as 2026-11',
};

const limitText = (b: { inbound?: string; outbound?: string }) => `in ${b.inbound ?? '—'}, out ${b.outbound ?? '—'}`;

/** A tenant: the API's tenant record (VMs, addresses, limits, backups) and this month's usage —
 * the report billing reads (/v1/usage) and a chart of its 5-minute rates with the 95th
 * percentile line; `?period=` shows another month. */
export const tenantPage: WebPage = {
  path: '/tenants/:name',
  params: { name: nameFilter('the tenant') },
  filters: { period: PERIOD_FILTER },
  render: async ({ state, params, query, link, now }) => {
    const model = await state.model();
    const name = params.name!;
    const tenant = tenantRecord(model, name, await state.observed());
    if (!tenant) return undefined;
    const period = (query.get('period') as string | undefined) ?? new Date(now).toISOString().slice(0, 7);
    const checked = validateUsageQuery({ period, scope: 'tenant', tenant: name });
    if ('failed' in checked) throw new Error(`the usage query of the tenant page is invalid: ${checked.failed.map((d) => d.code).join(', ')}`);
    const attribution = attributionOfModel(model);
    const { report, rates } = await state.snapshot(async (db) => {
      const answer = await usageReport(db, checked.query, attribution);
      return {
        report: 'failed' in answer ? null : answer.report,
        rates: await tenantRates(db, attribution, name, checked.query.from, checked.query.to),
      };
    });
    const row = report?.rows[0];
    const body = html`<p>${tenant.displayName ?? ''} · billing id ${tenant.billingId}${tenant.contact ? ` · ${tenant.contact}` : ''}</p>
      <h2>VMs</h2>
      <table>
        <thead>
          <tr>
            <th>VM</th>
            <th>hypervisor</th>
            <th>vCPU</th>
            <th>memory</th>
            <th>interfaces</th>
            <th>observed</th>
          </tr>
        </thead>
        <tbody>
          ${tenant.vmRecords.map(
            (vm) =>
              html`<tr data-vm="${vm.name}">
                <td>${vm.name}${vm.protected ? ' (protected)' : ''}</td>
                <td><a href="${link(`/devices/server/${vm.hypervisor}`)}">${vm.hypervisor}</a></td>
                <td>${vm.vcpus}</td>
                <td>${vm.memory}</td>
                <td>${vm.interfaces.map((i) => html`<div>${i.name} ${i.ips.join(', ')}</div>`)}</td>
                <td>${vm.observed ? `${vm.observed.state} on ${vm.observed.host}` : 'not seen'}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>Addresses</h2>
      <table>
        <thead>
          <tr>
            <th>address</th>
            <th>holder</th>
            <th>status</th>
            <th>pool</th>
            <th>last seen</th>
          </tr>
        </thead>
        <tbody>
          ${tenant.addressRecords.map(
            (a) =>
              html`<tr>
                <td>${a.address}</td>
                <td>${a.holder}</td>
                <td>${a.status}</td>
                <td>${a.pool ? html`<a href="${link(`/pools/${a.pool}`)}">${a.pool}</a>` : ''}</td>
                <td>${a.lastSeen ?? 'never'}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>Bandwidth limits</h2>
      <table>
        <thead>
          <tr>
            <th>on</th>
            <th>limit</th>
          </tr>
        </thead>
        <tbody>
          ${tenant.limits.map(
            (l) =>
              html`<tr>
                <td>${l.on}</td>
                <td>${limitText(l.bandwidth)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>Backups</h2>
      <table>
        <thead>
          <tr>
            <th>policy</th>
            <th>host</th>
            <th>schedule</th>
            <th>installed</th>
          </tr>
        </thead>
        <tbody>
          ${tenant.backups.map(
            (b) =>
              html`<tr>
                <td>${b.name}</td>
                <td>${b.host}</td>
                <td><code>${b.schedule}</code></td>
                <td>${b.observed ? (b.observed.installed ? 'yes' : 'no') : 'not seen'}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>Usage in ${period}</h2>
      ${
        row
          ? html`<p>
              In ${row.bytesIn} bytes, out ${row.bytesOut} bytes · 95th percentile (max of in and out)
              <strong data-p95-max="${row.p95MaxBitsPerSecond ?? ''}"
                >${row.p95MaxBitsPerSecond === null ? 'no rated 5-minute bucket yet' : formatBits(row.p95MaxBitsPerSecond)}</strong
              >
              · coverage ${(row.coverage * 100).toFixed(1)} %
            </p>`
          : ''
      }
      ${usageChartSvg(rates, row?.p95MaxBitsPerSecond ?? null)}`;
    return { title: `Tenant ${name}`, body };
  },
};
