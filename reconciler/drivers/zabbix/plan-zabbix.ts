import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { JsonObject, JsonValue } from '../../../inventory/core/json-value.js';
import type { Change } from '../../plan/change.js';
import type { Drift } from '../../plan/drift.js';
import type { DriverPlan, PlanInput } from '../../plan/planning-port.js';
import { desiredDashboards } from './desired-dashboards.js';
import { desiredZabbix, MANAGED_INVENTORY_FIELDS, type ZabbixHostSpec, type ZabbixInterfaceSpec } from './desired-zabbix.js';
import { comparedDetails, desiredView, differingFields, observedView } from './host-view.js';
import { leftOverInterfaces } from './interface-reuse.js';
import { planDashboards } from './plan-dashboards.js';
import { planSecretMacros } from './plan-secret-macros.js';
import type { ObservedZabbixHost, ZabbixFacts } from './zabbix-facts.js';
import { zabbixConnectionOf, zabbixSubject } from './zabbix-settings.js';
import { ownedUuid } from './zabbix-uuid.js';

export const ZABBIX_DRIVER = 'zabbix';
export const ZABBIX_FACTS_KEY = 'zabbix';

/** What apply sends for a host besides its view: ids as planned from the facts (a group created in
 * the same apply has none yet: apply fills it in by name). */
export interface HostRequest extends JsonObject {
  hostid: string | null;
  groups: Array<{ name: string; groupid: string | null }>;
  interfaces: Array<{ interfaceid: string | null; type: string; ip: string; port: string; details: Record<string, string> | null }>;
  templateids: string[];
  /** Linked templates no role asks for any more: unlinked and cleared. */
  clearTemplateids: string[];
  tags: Array<{ tag: string; value: string }>;
  /** The managed fields, '' for one to clear. */
  inventory: Record<string, string>;
}

export function hostAddress(host: string): string {
  return `zabbix-host/${host}`;
}

export function groupAddress(name: string): string {
  return `zabbix-group/${name}`;
}

function hostRequest(spec: ZabbixHostSpec, observed: ObservedZabbixHost | undefined, facts: ZabbixFacts, groupIds: ReadonlyMap<string, string>): HostRequest {
  const templateIds = new Map(facts.templates.map((t) => [t.name, t.templateid]));
  const wanted = new Set(spec.templates.map((t) => templateIds.get(t)).filter((id) => id !== undefined));
  const inventory: Record<string, string> = {};
  for (const field of MANAGED_INVENTORY_FIELDS) {
    if (spec.inventory[field]) inventory[field] = spec.inventory[field];
    else if (observed?.inventory[field]) inventory[field] = '';
  }
  // Interfaces are changed in place: the observed interface of the same type keeps its id.
  const reusable = [...(observed?.interfaces ?? [])];
  return {
    hostid: observed?.hostid ?? null,
    groups: spec.groups.map((name) => ({ name, groupid: groupIds.get(name) ?? null })),
    interfaces: spec.interfaces.map((i) => {
      const index = reusable.findIndex((o) => o.type === i.type);
      const reused = index >= 0 ? reusable.splice(index, 1)[0] : undefined;
      return { interfaceid: reused?.interfaceid ?? null, type: i.type, ip: i.ip, port: i.port, details: i.details ?? null };
    }),
    templateids: [...wanted].sort(),
    clearTemplateids: (observed?.templates ?? []).map((t) => t.templateid).filter((id) => !wanted.has(id)),
    tags: spec.tags,
    inventory,
  };
}

/** The Zabbix plan: pure, from the inventory, the trusted Zabbix settings and the endpoint's facts.
 * pytin changes only what it owns (hosts by the `managed-by: pytin` tag, host groups by their
 * deterministic uuid); a same-named object it does not own is a diagnostic, never a change. */
export function planZabbix(input: PlanInput): DriverPlan {
  const connection = zabbixConnectionOf(input.connections);
  if (!connection) return { changes: [], drift: [], diagnostics: [] };
  const service = connection.name;
  const desired = desiredZabbix(input.state, connection.spec);
  const diagnostics: Diagnostic[] = [...desired.diagnostics];
  const stored = input.facts.hosts.get(zabbixSubject(service))?.facts.get(ZABBIX_FACTS_KEY);
  if (!stored) {
    diagnostics.push({
      severity: 'warning',
      code: 'PLAN_ZABBIX_NOT_OBSERVED',
      summary: `Zabbix "${service}" has not been read yet; nothing is planned for it (plan --refresh, or pytin publish zabbix)`,
      address: connection.address,
    });
    return { changes: [], drift: [], diagnostics };
  }
  const facts = stored.value as ZabbixFacts;
  const seenAt = new Date(stored.observedAt).toISOString();
  const changes: Change[] = [];
  const drift: Drift[] = [];
  const base = { driver: ZABBIX_DRIVER, service };

  // Templates
  const present = new Set(facts.templates.map((t) => t.name));
  for (const name of desired.templates.filter((t) => !present.has(t))) {
    diagnostics.push({
      severity: 'warning',
      code: 'PLAN_ZABBIX_TEMPLATE_MISSING',
      summary: `the template "${name}" named in the Zabbix settings does not exist in Zabbix; hosts are published without it`,
      address: connection.address,
    });
  }

  // Host groups
  const groupIds = new Map<string, string>();
  const wantedGroups = new Set(desired.groups.map((g) => g.name));
  for (const group of desired.groups) {
    const mine = facts.groups.find((g) => g.uuid === group.uuid);
    const sameName = facts.groups.find((g) => g.name === group.name);
    if (mine) groupIds.set(group.name, mine.groupid);
    if (mine && mine.name === group.name) continue;
    if (sameName && !mine) {
      // Someone else's group of that name: hosts join it, pytin never renames or deletes it.
      groupIds.set(group.name, sameName.groupid);
      diagnostics.push({
        severity: 'warning',
        code: 'PLAN_ZABBIX_GROUP_NOT_OWNED',
        summary: `the host group "${group.name}" exists in Zabbix but pytin did not create it; pytin adds its hosts to it and never changes it`,
        address: groupAddress(group.name),
      });
      continue;
    }
    if (mine)
      changes.push({
        ...base,
        address: groupAddress(group.name),
        action: 'update',
        before: { name: mine.name, groupid: mine.groupid },
        after: { name: group.name, groupid: mine.groupid },
        fields: ['name'],
        reason: 'renamed in Zabbix',
      });
    else changes.push({ ...base, address: groupAddress(group.name), action: 'create', before: null, after: { name: group.name, uuid: group.uuid } });
  }

  // Hosts
  const ownedByKey = new Map<string, ObservedZabbixHost>();
  for (const host of facts.hosts) if (host.owned && host.key && !ownedByKey.has(host.key)) ownedByKey.set(host.key, host);
  const desiredKeys = new Set(desired.hosts.map((h) => h.key));
  /** `key NUL {$MACRO}` named by an interface the plan keeps because items use it. */
  const keptMacros = new Set<string>();
  /** Names taken by a host pytin does not own: pytin's dashboards do not graph someone else's host. */
  const notPublished = new Set<string>();
  /** Per group id: how many of its hosts this plan takes out of it (moved or deleted). */
  const leaving = new Map<string, number>();
  const leave = (groupid: string) => leaving.set(groupid, (leaving.get(groupid) ?? 0) + 1);
  // A missing template is linked by nobody: leaving it out of the wanted state keeps a plan
  // against a Zabbix without it from showing the same change on every run.
  for (const wanted of desired.hosts) {
    let spec = { ...wanted, templates: wanted.templates.filter((t) => present.has(t)) };
    const observed = ownedByKey.get(spec.key);
    const inUse = observed
      ? leftOverInterfaces(
          observed.interfaces,
          spec.interfaces.map((i) => i.type),
        ).filter((i) => (i.items ?? 0) > 0)
      : [];
    if (inUse.length > 0) {
      for (const i of inUse)
        for (const value of Object.values(i.details)) for (const name of value.match(/\{\$[^}]+\}/g) ?? []) keptMacros.add(`${spec.key}\u0000${name}`);
      // Zabbix would refuse the whole host.update: the interface stays, the rest of the host is updated.
      diagnostics.push({
        severity: 'warning',
        code: 'PLAN_ZABBIX_INTERFACE_IN_USE',
        summary: `${inUse.map((i) => `the ${i.ip}:${i.port} interface (${i.items} items)`).join(' and ')} of the Zabbix host "${spec.host}" is no longer in the inventory but items use it; it is kept until they are removed or moved (unlink the template that made them)`,
        address: hostAddress(spec.host),
      });
      spec = {
        ...spec,
        interfaces: [
          ...spec.interfaces,
          // As Zabbix has it (its type may be one pytin never makes, such as IPMI).
          ...inUse.map((i) => ({ type: i.type as ZabbixInterfaceSpec['type'], ip: i.ip, port: i.port, details: comparedDetails(i.type, i.details) })),
        ],
      };
    }
    const address = hostAddress(spec.host);
    const after = desiredView(spec);
    if (!observed) {
      const other = facts.hosts.find((h) => h.host === spec.host);
      if (other) {
        notPublished.add(spec.host);
        diagnostics.push({
          severity: 'warning',
          code: 'PLAN_ZABBIX_HOST_NOT_OWNED',
          summary: `a Zabbix host "${spec.host}" exists that pytin does not own (no managed-by: pytin tag${other.owned ? `; it is pytin's ${other.key ?? '?'}` : ''}); it is left as it is and ${spec.key} is not published`,
          address: spec.key,
        });
        continue;
      }
      changes.push({ ...base, address, action: 'create', before: null, after: { ...after, request: hostRequest(spec, undefined, facts, groupIds) } });
      continue;
    }
    const before = observedView(observed, spec);
    const fields = differingFields(before, after);
    if (fields.length === 0) continue;
    for (const g of observed.groups) if (!spec.groups.includes(g.name)) leave(g.groupid);
    const applied = input.facts.lastApplied.get(address);
    const byHand = applied !== undefined && applied !== JSON.stringify(before);
    if (byHand) {
      drift.push({
        address,
        kind: 'zabbix-edited-by-hand',
        evidence: { source: 'zabbix', where: `${service} host ${observed.host}`, seenAt },
        message: `changed in Zabbix since pytin last published it (${fields.join(', ')}); apply sets it back`,
      });
    }
    changes.push({
      ...base,
      address,
      action: 'update',
      before,
      after: { ...after, request: hostRequest(spec, observed, facts, groupIds) },
      fields,
      ...(byHand ? { reason: 'edited in Zabbix by hand' } : {}),
    });
  }
  for (const host of facts.hosts) {
    if (!host.owned || (host.key && desiredKeys.has(host.key) && ownedByKey.get(host.key) === host)) continue;
    for (const g of host.groups) leave(g.groupid);
    const before: JsonValue = { ...observedView(host, undefined), hostid: host.hostid };
    changes.push({
      ...base,
      address: hostAddress(host.host),
      action: 'delete',
      before,
      after: null,
      reason: `${host.key ?? 'its key'} is no longer in the inventory`,
    });
  }

  const macros = planSecretMacros(
    desired.hosts.filter((h) => !notPublished.has(h.host)),
    ownedByKey,
    facts.secretMacros,
    input.connections,
    base,
    keptMacros,
  );
  changes.push(...macros.changes);
  diagnostics.push(...macros.diagnostics);

  // Groups pytin made that nothing wants any more: deleted once none of their hosts stays.
  for (const group of facts.groups) {
    if (wantedGroups.has(group.name) || group.uuid !== ownedUuid('hostgroup', group.name)) continue;
    if (group.hosts > (leaving.get(group.groupid) ?? 0)) {
      diagnostics.push({
        severity: 'warning',
        code: 'PLAN_ZABBIX_GROUP_IN_USE',
        summary: `pytin's host group "${group.name}" is no longer in the inventory but holds hosts pytin does not remove; it is kept`,
        address: groupAddress(group.name),
      });
      continue;
    }
    changes.push({ ...base, address: groupAddress(group.name), action: 'delete', before: { name: group.name, groupid: group.groupid }, after: null });
  }
  const dashboards = planDashboards(
    desiredDashboards(input.state, connection.spec.hostGroup, new Set(desired.hosts.map((h) => h.host).filter((h) => !notPublished.has(h)))),
    facts,
    {
      base,
      service,
      seenAt,
      lastApplied: input.facts.lastApplied,
    },
  );
  changes.push(...dashboards.changes);
  drift.push(...dashboards.drift);
  diagnostics.push(...dashboards.diagnostics);
  return { changes, drift, diagnostics };
}
