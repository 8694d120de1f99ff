import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { JsonObject } from '../../../inventory/core/json-value.js';
import type { Change } from '../../plan/change.js';
import type { Drift } from '../../plan/drift.js';
import { parseZabbixVersion, zabbixFeatures } from '../../transports/zabbix/zabbix-version.js';
import { type DashboardPage, dashboardPages, dashboardWidgetTexts } from './dashboard-widgets.js';
import type { ZabbixDashboardSpec } from './desired-dashboards.js';
import type { ZabbixFacts } from './zabbix-facts.js';

/** What apply sends for a dashboard besides its view. */
export interface DashboardRequest extends JsonObject {
  dashboardid: string | null;
  uuid: string;
  key: string;
  pages: DashboardPage[];
}

export function dashboardAddress(key: string): string {
  return `zabbix-dashboard/${key}`;
}

interface DashboardPlanContext {
  base: { driver: string; service: string };
  service: string;
  seenAt: string;
  lastApplied: ReadonlyMap<string, string>;
}

/** Dashboards: created, brought back to what the inventory says (the whole dashboard is written: its
 * pages are replaced), deleted when pytin made them and nothing wants them. A dashboard of a wanted
 * name that pytin did not create is a diagnostic and left alone. The widget fields are those of the
 * Zabbix generation read, so a plan against 7.0 writes 7.0's field names. */
export function planDashboards(
  wanted: readonly ZabbixDashboardSpec[],
  facts: ZabbixFacts,
  context: DashboardPlanContext,
): { changes: Change[]; drift: Drift[]; diagnostics: Diagnostic[] } {
  const generation = zabbixFeatures(parseZabbixVersion(facts.version)).widgetFields;
  const observed = facts.dashboards ?? [];
  const changes: Change[] = [];
  const drift: Drift[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const spec of wanted) {
    const address = dashboardAddress(spec.key);
    const mine = observed.find((d) => d.uuid === spec.uuid);
    const pages = dashboardPages(spec, generation);
    const after = { name: spec.name, widgets: dashboardWidgetTexts(pages) };
    const request: DashboardRequest = { dashboardid: mine?.dashboardid ?? null, uuid: spec.uuid, key: spec.key, pages };
    if (!mine) {
      if (observed.some((d) => d.name === spec.name)) {
        diagnostics.push({
          severity: 'warning',
          code: 'PLAN_ZABBIX_DASHBOARD_NOT_OWNED',
          summary: `a Zabbix dashboard "${spec.name}" exists that pytin did not create; it is left as it is and ${spec.key}'s dashboard is not published`,
          address,
        });
        continue;
      }
      changes.push({ ...context.base, address, action: 'create', before: null, after: { ...after, request } });
      continue;
    }
    const before = { name: mine.name, widgets: mine.widgets };
    const fields = (['name', 'widgets'] as const).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    if (fields.length === 0) continue;
    const applied = context.lastApplied.get(address);
    const byHand = applied !== undefined && applied !== JSON.stringify(before);
    if (byHand) {
      drift.push({
        address,
        kind: 'zabbix-edited-by-hand',
        evidence: { source: 'zabbix', where: `${context.service} dashboard ${mine.name}`, seenAt: context.seenAt },
        message: `changed in Zabbix since pytin last published it (${fields.join(', ')}); apply sets it back`,
      });
    }
    changes.push({
      ...context.base,
      address,
      action: 'update',
      before,
      after: { ...after, request },
      fields: [...fields],
      ...(byHand ? { reason: 'edited in Zabbix by hand' } : {}),
    });
  }
  const wantedUuids = new Set(wanted.map((w) => w.uuid));
  for (const dashboard of observed) {
    if (!dashboard.uuid || wantedUuids.has(dashboard.uuid)) continue;
    changes.push({
      ...context.base,
      address: dashboardAddress(dashboard.key ?? dashboard.name),
      action: 'delete',
      before: { name: dashboard.name, widgets: dashboard.widgets, dashboardid: dashboard.dashboardid, uuid: dashboard.uuid, key: dashboard.key },
      after: null,
      reason: 'its rack, hypervisor or tenant is no longer in the inventory',
    });
  }
  return { changes, drift, diagnostics };
}
