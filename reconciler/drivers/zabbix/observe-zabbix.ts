import type { ZabbixClient } from '../../transports/zabbix/zabbix-client.js';
import type { LedgerEntry } from '../../transports/zabbix/zabbix-ledger.js';
import { atLeast } from '../../transports/zabbix/zabbix-version.js';
import { dashboardWidgetTexts, type WidgetObject } from './dashboard-widgets.js';
import { MANAGED_INVENTORY_FIELDS } from './desired-zabbix.js';
import { leftOverInterfaces } from './interface-reuse.js';
import type { ObservedZabbixDashboard, ObservedZabbixHost, ZabbixFacts } from './zabbix-facts.js';

/** The kind under which the store's ledger records the dashboards pytin created. */
export const DASHBOARD_LEDGER_KIND = 'dashboard';

interface RawHost {
  hostid: string;
  host: string;
  name: string;
  inventory_mode: string;
  groups?: Array<{ groupid: string; name: string }>;
  hostgroups?: Array<{ groupid: string; name: string }>;
  interfaces: Array<{ interfaceid: string; type: string; ip: string; port: string; main: string; details: Record<string, string> | [] }>;
  tags: Array<{ tag: string; value: string }>;
  inventory: Record<string, string> | [];
  parentTemplates: Array<{ templateid: string; host: string }>;
  macros?: Array<{ hostmacroid: string; macro: string; type: string }>;
}

const HOST_OUTPUT = ['hostid', 'host', 'name', 'inventory_mode'];

function normalise(raw: RawHost): ObservedZabbixHost {
  const inventory: Record<string, string> = {};
  if (!Array.isArray(raw.inventory)) for (const field of MANAGED_INVENTORY_FIELDS) if (raw.inventory[field]) inventory[field] = raw.inventory[field];
  return {
    hostid: String(raw.hostid),
    host: raw.host,
    name: raw.name,
    owned: raw.tags.some((t) => t.tag === 'managed-by' && t.value === 'pytin'),
    key: raw.tags.find((t) => t.tag === 'pytin-key')?.value ?? null,
    groups: (raw.hostgroups ?? raw.groups ?? []).map((g) => ({ groupid: String(g.groupid), name: g.name })),
    interfaces: raw.interfaces.map((i) => ({
      interfaceid: String(i.interfaceid),
      type: String(i.type),
      ip: i.ip,
      port: String(i.port),
      main: String(i.main),
      details: Array.isArray(i.details) ? {} : Object.fromEntries(Object.entries(i.details).map(([k, v]) => [k, String(v)])),
    })),
    tags: raw.tags.map((t) => ({ tag: t.tag, value: t.value })),
    inventoryMode: String(raw.inventory_mode),
    inventory,
    templates: raw.parentTemplates.map((t) => ({ templateid: String(t.templateid), name: t.host })),
    macros: (raw.macros ?? []).map((m) => ({ hostmacroid: String(m.hostmacroid), macro: m.macro, type: String(m.type) })),
  };
}

/** Reads what publishing compares, in a fixed number of calls whatever the number of hosts: the
 * host groups, the templates the settings name, and one `host.get` of pytin's hosts (by tag) with
 * every select it needs; a second `host.get` (ids and tags only) only when a wanted name is not
 * among pytin's hosts, to find a same-named host pytin does not own. Names match exactly
 * (`filter`, never `search`). */
export async function observeZabbix(
  client: ZabbixClient,
  wanted: {
    hostNames: readonly string[];
    templateNames: readonly string[];
    ownedDashboards: readonly LedgerEntry[];
    /** The interface types each inventory key wants (to find the interfaces an update would remove). */
    interfaceTypes: ReadonlyMap<string, readonly string[]>;
  },
): Promise<ZabbixFacts> {
  const features = client.features;
  const groupSelect = atLeast(features.version, 6, 2) ? 'selectHostGroups' : 'selectGroups';
  const groups = await client.call<Array<{ groupid: string; name: string; uuid: string; hosts: string }>>('hostgroup.get', {
    output: ['groupid', 'name', 'uuid'],
    selectHosts: 'count',
  });
  const templates =
    wanted.templateNames.length === 0
      ? []
      : await client.call<Array<{ templateid: string; host: string }>>('template.get', {
          output: ['templateid', 'host'],
          filter: { host: [...wanted.templateNames] },
        });
  const owned = await client.call<RawHost[]>('host.get', {
    output: HOST_OUTPUT,
    tags: [{ tag: 'managed-by', value: 'pytin', operator: 1 }],
    [groupSelect]: ['groupid', 'name'],
    selectInterfaces: ['interfaceid', 'type', 'ip', 'port', 'main', 'details'],
    selectTags: ['tag', 'value'],
    selectInventory: [...MANAGED_INVENTORY_FIELDS],
    selectParentTemplates: ['templateid', 'host'],
    // Never the value: a secret macro's is not returned anyway, and a text one is not pytin's business.
    selectMacros: ['hostmacroid', 'macro', 'type'],
  });
  const hosts = owned.map(normalise);
  await countItemsOfLeftOverInterfaces(client, hosts, wanted.interfaceTypes);
  const ownedNames = new Set(hosts.map((h) => h.host));
  const others = wanted.hostNames.filter((n) => !ownedNames.has(n));
  if (others.length > 0) {
    const sameNamed = await client.call<RawHost[]>('host.get', { output: HOST_OUTPUT, filter: { host: others }, selectTags: ['tag', 'value'] });
    for (const raw of sameNamed) {
      const host = normalise({ ...raw, interfaces: [], inventory: [], parentTemplates: [] });
      if (!host.owned) hosts.push(host);
    }
  }
  const dashboards = await observeDashboards(client, wanted.ownedDashboards);
  return {
    version: features.version.text,
    groups: groups.map((g) => ({ groupid: String(g.groupid), name: g.name, uuid: g.uuid, hosts: Number(g.hosts) })),
    templates: templates.map((t) => ({ templateid: String(t.templateid), name: t.host })),
    hosts: hosts.sort((a, b) => a.host.localeCompare(b.host)),
    dashboards,
  };
}

/** Items of the interfaces an update would remove: one call, and only when there are any (the
 * no-op sync never makes it). Zabbix refuses to remove an interface that items use; the plan
 * keeps such an interface and says so instead of planning a write that would fail. */
async function countItemsOfLeftOverInterfaces(
  client: ZabbixClient,
  hosts: ObservedZabbixHost[],
  interfaceTypes: ReadonlyMap<string, readonly string[]>,
): Promise<void> {
  const leftOver = hosts.flatMap((h) => {
    const types = h.key ? interfaceTypes.get(h.key) : undefined;
    return types ? leftOverInterfaces(h.interfaces, types) : [];
  });
  if (leftOver.length === 0) return;
  const counted = await client.call<Array<{ interfaceid: string; items: string }>>('hostinterface.get', {
    output: ['interfaceid'],
    interfaceids: leftOver.map((i) => i.interfaceid),
    selectItems: 'count',
  });
  const items = new Map(counted.map((c) => [String(c.interfaceid), Number(c.items)]));
  for (const i of leftOver) i.items = items.get(i.interfaceid) ?? 0;
}

/** Every dashboard with its pages and widgets, in one call (there are a few per rack, hypervisor and
 * tenant, not per host). Ownership comes from the ledger: Zabbix records none for dashboards. */
async function observeDashboards(client: ZabbixClient, owned: readonly LedgerEntry[]): Promise<ObservedZabbixDashboard[]> {
  const ownedById = new Map(owned.map((o) => [o.zabbixId, o]));
  const raw = await client.call<Array<{ dashboardid: string; name: string; pages: Array<{ widgets: WidgetObject[] }> }>>('dashboard.get', {
    output: ['dashboardid', 'name'],
    selectPages: ['widgets'],
  });
  // Only pytin's own widgets are kept: someone else's dashboard matters by its name alone.
  return raw
    .map((d) => ({ d, mine: ownedById.get(String(d.dashboardid)) }))
    .map(({ d, mine }) => ({
      dashboardid: String(d.dashboardid),
      name: d.name,
      uuid: mine?.uuid ?? null,
      key: mine?.key ?? null,
      widgets: dashboardWidgetTexts(
        (mine ? d.pages : []).map((p) => ({
          widgets: p.widgets.map((w) => ({
            type: w.type,
            name: w.name,
            x: String(w.x),
            y: String(w.y),
            width: String(w.width),
            height: String(w.height),
            fields: w.fields.map((f) => ({ type: String(f.type), name: f.name, value: String(f.value) })),
          })),
        })),
      ),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
