import assert from 'node:assert/strict';
import { test } from 'node:test';

import { connectionSettingsOf } from '../../../../inventory/model/connection-settings.js';
import type { ZabbixConnectionSpec } from '../../../../inventory/model/specs.js';
import { validateInventory } from '../../../../inventory/validate/validate-inventory.js';
import { dashboardPages, dashboardWidgetTexts } from '../../../../reconciler/drivers/zabbix/dashboard-widgets.js';
import { desiredDashboards } from '../../../../reconciler/drivers/zabbix/desired-dashboards.js';
import { desiredZabbix } from '../../../../reconciler/drivers/zabbix/desired-zabbix.js';
import { desiredView, observedView } from '../../../../reconciler/drivers/zabbix/host-view.js';
import { planZabbix } from '../../../../reconciler/drivers/zabbix/plan-zabbix.js';
import type { ObservedZabbixHost, ZabbixFacts } from '../../../../reconciler/drivers/zabbix/zabbix-facts.js';
import { ownedUuid } from '../../../../reconciler/drivers/zabbix/zabbix-uuid.js';
import { labTexts, labWith, snapshotOf } from '../../../support/lab-inventory.js';
import { zabbixSettingsYaml } from './zabbix-publish-lab.js';

// The Zabbix planner without a Zabbix: the lab inventory against facts written here as Zabbix
// 6.0 returns them (strings for numbers, empty visible names, inventory disabled as []).

function labState(extra: Record<string, string> = {}) {
  const texts = labTexts();
  texts.set('zabbix.yaml', zabbixSettingsYaml('http://zabbix.lab.invalid/api_jsonrpc.php'));
  for (const [path, text] of Object.entries(extra)) texts.set(path, text);
  const result = validateInventory(snapshotOf(texts));
  assert.deepEqual(
    result.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return result.state;
}

function plan(state: ReturnType<typeof labState>, facts: ZabbixFacts | undefined, lastApplied = new Map<string, string>()) {
  const hosts = new Map(facts ? [['service:lab-zabbix', { facts: new Map([['zabbix', { value: facts, observedAt: 0 }]]), lastRun: undefined }]] : []);
  return planZabbix({
    state,
    connections: connectionSettingsOf(state),
    files: new Map(),
    facts: { hosts, devices: new Map(), sightings: new Map(), lastApplied, fingerprint: '' },
    now: 0,
  });
}

/** Zabbix exactly as pytin would have left it, written the way the 6.0 API answers. */
function syncedFacts(state: ReturnType<typeof labState>): ZabbixFacts {
  const settings = connectionSettingsOf(state).state.resources.get('zabbix/lab-zabbix')!.spec as ZabbixConnectionSpec;
  const desired = desiredZabbix(state, settings);
  const groups = desired.groups.map((g, i) => ({ groupid: String(100 + i), name: g.name, uuid: g.uuid, hosts: 1 }));
  const templates = desired.templates.map((name, i) => ({ templateid: String(10000 + i), name }));
  const hosts: ObservedZabbixHost[] = desired.hosts.map((h, i) => ({
    hostid: String(20000 + i),
    host: h.host,
    name: '', // Zabbix answers '' when no visible name was set: equal to the technical name
    owned: true,
    key: h.key,
    groups: h.groups.map((name) => ({ groupid: groups.find((g) => g.name === name)!.groupid, name })),
    interfaces: h.interfaces.map((f, j) => ({
      interfaceid: String(30000 + i * 10 + j),
      type: f.type,
      ip: f.ip,
      port: f.port,
      main: '1',
      // Zabbix returns every detail field, pytin sets only some of them.
      details: f.details ? { ...f.details, contextname: '', authprotocol: '0', privprotocol: '0', max_repetitions: '10' } : {},
    })),
    tags: [...h.tags].reverse(), // order is not meaning
    inventoryMode: '0',
    inventory: h.inventory,
    templates: h.templates.map((name) => ({ templateid: templates.find((t) => t.name === name)!.templateid, name })),
  }));
  // pytin's dashboards as the 6.0 API returns them (every number a string), recorded in the ledger.
  const dashboards = desiredDashboards(state, settings.hostGroup, new Set(desired.hosts.map((h) => h.host))).map((d, i) => ({
    dashboardid: String(40 + i),
    name: d.name,
    uuid: d.uuid,
    key: d.key,
    widgets: dashboardWidgetTexts(dashboardPages(d, 'ds-patterns-6.0')),
  }));
  return { version: '6.0.14', groups, templates, hosts, dashboards };
}

test('an unchanged Zabbix, as the API answers it, plans nothing', () => {
  const state = labState();
  const result = plan(state, syncedFacts(state));
  assert.deepEqual(result.changes, []);
  assert.deepEqual(result.diagnostics, []);
});

test('without a read of Zabbix nothing is planned and the plan says why', () => {
  const result = plan(labState(), undefined);
  assert.deepEqual(result.changes, []);
  assert.deepEqual(
    result.diagnostics.map((d) => d.code),
    ['PLAN_ZABBIX_NOT_OBSERVED'],
  );
});

test('a template missing in Zabbix is a plan diagnostic; hosts go without it and the plan stays empty run after run', () => {
  const state = labState();
  const facts = syncedFacts(state);
  const icmp = facts.templates.find((t) => t.name === 'ICMP Ping')!;
  facts.templates = facts.templates.filter((t) => t !== icmp);
  for (const h of facts.hosts) h.templates = h.templates.filter((t) => t.templateid !== icmp.templateid);
  const result = plan(state, facts);
  assert.deepEqual(
    result.diagnostics.map((d) => `${d.severity} ${d.code}`),
    ['warning PLAN_ZABBIX_TEMPLATE_MISSING'],
  );
  assert.match(result.diagnostics[0]!.summary, /"ICMP Ping"/);
  // Nothing to do about it on the hosts, and no change that would come back on every run.
  assert.deepEqual(result.changes, []);
});

test('a role template removed from the settings is unlinked and cleared (templates_clear)', () => {
  const state = labState();
  const facts = syncedFacts(state);
  const stale = { templateid: '999', name: 'Old template' };
  facts.hosts.find((h) => h.host === 'hv-01')!.templates.push(stale);
  const result = plan(state, facts);
  assert.deepEqual(
    result.changes.map((c) => `${c.action} ${c.address} ${(c.fields ?? []).join(',')}`),
    ['update zabbix-host/hv-01 templates'],
  );
  assert.deepEqual((result.changes[0]!.after as { request: { clearTemplateids: string[] } }).request.clearTemplateids, ['999']);
});

test("a host group of pytin's name made by someone else is used, never changed; it is a warning", () => {
  const state = labState();
  const facts = syncedFacts(state);
  const tenant = facts.groups.find((g) => g.name === 'pytin/tenant/acme')!;
  tenant.uuid = 'a'.repeat(32); // not pytin's uuid
  const result = plan(state, facts);
  assert.deepEqual(
    result.diagnostics.map((d) => `${d.code} ${d.address}`),
    ['PLAN_ZABBIX_GROUP_NOT_OWNED zabbix-group/pytin/tenant/acme'],
  );
  assert.deepEqual(result.changes, []);
});

test('two inventory resources with one name cannot both be a Zabbix host: an error, the second is left out', () => {
  const state = labState({
    'clash.yaml':
      'kind: VM\nname: hv-01\ntenant: acme\nhypervisor: hv-02\nvcpus: 1\nmemory: 1GiB\ndisks:\n  - {name: root, size: 10GiB}\ninterfaces:\n  - name: eth0\n    ips: [203.0.113.40]\n',
  });
  const result = plan(state, syncedFacts(labState()));
  assert.deepEqual(
    result.diagnostics.filter((d) => d.code === 'PLAN_ZABBIX_NAME_COLLISION').map((d) => d.address),
    ['vm/hv-01'],
  );
});

test('the views compare as Zabbix answers: empty visible name, extra SNMP detail fields, tag order, numbers as strings', () => {
  const state = labState();
  const settings = connectionSettingsOf(state).state.resources.get('zabbix/lab-zabbix')!.spec as ZabbixConnectionSpec;
  const spec = desiredZabbix(state, settings).hosts.find((h) => h.host === 'sw-r01')!;
  const observed = syncedFacts(state).hosts.find((h) => h.host === 'sw-r01')!;
  assert.deepEqual(observedView(observed, spec), desiredView(spec));
  // A community changed by hand is a difference.
  observed.interfaces[0]!.details.community = 'public';
  assert.notDeepEqual(observedView(observed, spec), desiredView(spec));
});

test('owned group uuids are UUIDv4 as Zabbix checks them, and stable', () => {
  const uuid = ownedUuid('hostgroup', 'pytin/rack/lab1-r01');
  assert.match(uuid, /^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
  assert.equal(uuid, ownedUuid('hostgroup', 'pytin/rack/lab1-r01'));
  assert.notEqual(uuid, ownedUuid('hostgroup', 'pytin/rack/lab1-r02'));
});

test('dashboards: a same-named dashboard pytin did not create is left alone and said so; the others are created', () => {
  const state = labState();
  const facts = syncedFacts(state);
  const theirs = facts.dashboards!.find((d) => d.key === 'tenant/acme')!;
  facts.dashboards = facts.dashboards!.map((d) => (d === theirs ? { ...d, uuid: null, key: null, widgets: [] } : d)).filter((d) => d.key !== 'rack/lab1-r02');
  const result = plan(state, facts);
  assert.deepEqual(
    result.changes.map((c) => `${c.action} ${c.address}`),
    ['create zabbix-dashboard/rack/lab1-r02'],
  );
  assert.deepEqual(
    result.diagnostics.map((d) => `${d.code} ${d.address}`),
    ['PLAN_ZABBIX_DASHBOARD_NOT_OWNED zabbix-dashboard/tenant/acme'],
  );
});

test('dashboards: against Zabbix 7.0 the graph widgets are written with 7.0 field names and a reference each', () => {
  const state = labState();
  const facts = { ...syncedFacts(state), version: '7.0.22' };
  const result = plan(state, facts);
  // The dashboards that 6.0 field names were written to are rewritten in 7.0's names; nothing else changes.
  assert.deepEqual(result.changes.map((c) => `${c.action} ${c.address}`).sort(), facts.dashboards!.map((d) => `update zabbix-dashboard/${d.key}`).sort());
  const hv = result.changes.find((c) => c.address === 'zabbix-dashboard/rack/lab1-r01')!;
  const fields = (hv.after as { request: { pages: Array<{ widgets: Array<{ fields: Array<{ name: string; value: string }> }> }> } }).request.pages[0]!
    .widgets[1]!.fields;
  assert.deepEqual(
    fields.map((f) => `${f.name}=${f.value}`),
    ['ds.0.hosts.0=sw-r01', 'ds.0.items.0=Interface Gi1/0/1(*): Bits *', 'ds.0.color=1A7C11', 'reference=AAAAB'],
  );
});

test('dashboards: a widget edited by hand is drift, and the plan writes the dashboard back; one pytin no longer wants is deleted', () => {
  const state = labState();
  const facts = syncedFacts(state);
  const rack = facts.dashboards!.find((d) => d.key === 'rack/lab1-r01')!;
  const applied = JSON.stringify({ name: rack.name, widgets: rack.widgets });
  rack.widgets = rack.widgets.map((w) => w.replace('sw-r01', 'someone-else'));
  facts.dashboards!.push({ dashboardid: '99', name: 'pytin: rack gone', uuid: '0123', key: 'rack/gone', widgets: [] });
  const result = plan(state, facts, new Map([['zabbix-dashboard/rack/lab1-r01', applied]]));
  assert.deepEqual(
    result.changes.map((c) => `${c.action} ${c.address} ${(c.fields ?? []).join(',')}`),
    ['update zabbix-dashboard/rack/lab1-r01 widgets', 'delete zabbix-dashboard/rack/gone '],
  );
  assert.deepEqual(
    result.drift.map((d) => `${d.kind} ${d.address}`),
    ['zabbix-edited-by-hand zabbix-dashboard/rack/lab1-r01'],
  );
});

test('a switch with SNMPv1 credentials gets a Zabbix SNMP interface of version 1, without bulk requests', () => {
  const settings = labTexts().get('settings.yaml')!;
  const state = labState({ 'settings.yaml': settings.replace('name: sw-r02-snmp\nversion: v2c', 'name: sw-r02-snmp\nversion: v1') });
  const zabbix = desiredZabbix(state, state.resources.get('zabbix/lab-zabbix')!.spec as ZabbixConnectionSpec);
  const snmpDetails = (host: string) => zabbix.hosts.find((h) => h.host === host)?.interfaces.find((i) => i.details)?.details;
  assert.deepEqual(snmpDetails('sw-r02'), { version: '1', bulk: '0', community: '{$SNMP_COMMUNITY}' });
  assert.deepEqual(snmpDetails('sw-r01'), { version: '2', bulk: '1', community: '{$SNMP_COMMUNITY}' });
});

test("the attack: a switch port named with Zabbix's wildcard would graph every port of the switch; that port is not graphed", () => {
  const texts = labTexts();
  const switches = texts.get('network/switches.yaml')!.replace('ports:\n', 'ports:\n  - {name: "Gi*"}\n');
  const servers = texts.get('servers/dedicated.yaml')!.replace('port: Gi1/0/5', 'port: "Gi*"');
  const state = labState({ 'network/switches.yaml': switches, 'servers/dedicated.yaml': servers });
  const settings = connectionSettingsOf(state).state.resources.get('zabbix/lab-zabbix')!.spec as ZabbixConnectionSpec;
  const boards = desiredDashboards(state, settings.hostGroup, new Set(desiredZabbix(state, settings).hosts.map((h) => h.host)));
  const patterns = boards.flatMap((b) => b.pages.flat().flatMap((w) => w.dataSets.flatMap((d) => d.items)));
  assert.ok(patterns.includes('Interface Gi1/0/1(*): Bits *'));
  assert.deepEqual(
    patterns.filter((p) => p.includes('Gi*')),
    [],
  );
  assert.equal(
    boards.flatMap((b) => b.pages.flat()).some((w) => w.name === 'ded-01: switch ports'),
    false,
  );
});

test("the attack: a branch points a switch's community at the Zabbix password; the macro is still read from the trusted credentials", () => {
  const trusted = labState();
  const texts = labWith('settings.yaml', '{env: PYTIN_SECRET_SW_R01_COMMUNITY}', '{env: PYTIN_SECRET_ZABBIX_PASSWORD}');
  texts.set('zabbix.yaml', zabbixSettingsYaml('http://zabbix.lab.invalid/api_jsonrpc.php'));
  const branch = validateInventory(snapshotOf(texts)).state;
  const facts: ZabbixFacts = {
    ...syncedFacts(trusted),
    secretMacros: { current: [{ key: 'switch/sw-r01', macro: '{$SNMP_COMMUNITY}', fingerprint: 'hmac-sha256:aa' }], published: [], problems: [] },
  };
  const hosts = new Map([['service:lab-zabbix', { facts: new Map([['zabbix', { value: facts, observedAt: 0 }]]), lastRun: undefined }]]);
  const planned = planZabbix({
    state: branch,
    connections: connectionSettingsOf(trusted),
    files: new Map(),
    facts: { hosts, devices: new Map(), sightings: new Map(), lastApplied: new Map(), fingerprint: '' },
    now: 0,
  });
  const macros = planned.changes.filter((c) => c.address.startsWith('zabbix-macro/'));
  assert.deepEqual(
    macros.map((c) => [c.action, c.address, (c.after as { request: { secret: object } }).request.secret]),
    [['create', 'zabbix-macro/sw-r01/SNMP_COMMUNITY', { env: 'PYTIN_SECRET_SW_R01_COMMUNITY' }]],
  );
  assert.ok(!JSON.stringify(planned).includes('PYTIN_SECRET_ZABBIX_PASSWORD'));
});

/** Whether Zabbix's search with wildcards (db.inc.php zbx_db_search: `*` any run of characters, the
 * rest literal, whole name, case-insensitive) finds `name` with `pattern`. */
function zabbixWildcardMatches(pattern: string, name: string): boolean {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'is').test(name);
}

test("a switch port's graph selects the item names SNMP interface discovery gives that port and no other port's; a VM interface's those of the agent templates", () => {
  const state = labState();
  const settings = connectionSettingsOf(state).state.resources.get('zabbix/lab-zabbix')!.spec as ZabbixConnectionSpec;
  const boards = desiredDashboards(state, settings.hostGroup, new Set(desiredZabbix(state, settings).hosts.map((h) => h.host)));
  const widget = (name: string) => boards.flatMap((b) => b.pages.flat()).find((w) => w.name === name)!;
  const hvPort = widget('hv-01: switch ports').dataSets;
  assert.deepEqual(
    hvPort.map((d) => [d.hosts, d.items]),
    [[['sw-r01'], ['Interface Gi1/0/1(*): Bits *']]],
  );
  // Names a real zabbix_server's discovery gave the recorded Catalyst 3750 (ifName Gi1/0/1, ifAlias
  // DJ_200_POE; Gi1/0/5 has no alias), the same with 6.0's "Interfaces by SNMP" and 7.0's "Network
  // Generic Device by SNMP": zabbix-server-discovery-suite.ts.
  const selects = (patterns: readonly string[], name: string) => patterns.some((p) => zabbixWildcardMatches(p, name));
  assert.ok(selects(hvPort[0]!.items, 'Interface Gi1/0/1(DJ_200_POE): Bits received'));
  assert.ok(selects(hvPort[0]!.items, 'Interface Gi1/0/1(DJ_200_POE): Bits sent'));
  assert.ok(selects(widget('ded-01: switch ports').dataSets[0]!.items, 'Interface Gi1/0/5(): Bits received'));
  for (const other of ['Interface Gi1/0/10(): Bits received', 'Interface Gi1/0/11(link-DJ-5500-10.190): Bits sent', 'Interface Gi1/0/1(DJ_200_POE): Speed']) {
    assert.ok(!selects(hvPort[0]!.items, other), other);
  }
  // VMs are watched by the agent: Linux "Interface eth0: Bits received", Windows "Interface eth0(alias): ...".
  const vm = widget('acme-web-01: interfaces').dataSets[0]!.items;
  assert.deepEqual(vm, ['Interface eth0(*): Bits *', 'Interface eth0: Bits *']);
  assert.ok(selects(vm, 'Interface eth0: Bits received') && selects(vm, 'Interface eth0(Ethernet): Bits sent') && !selects(vm, 'Interface eth01: Bits sent'));
});
