import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test as nodeTest, type TestContext } from 'node:test';

import { COMMANDS } from '../../../../reconciler/cli/commands.js';
import { runCli } from '../../../../reconciler/cli/run-cli.js';
import type { Driver } from '../../../../reconciler/drivers/driver.js';
import { zabbixDriver } from '../../../../reconciler/drivers/zabbix/zabbix-driver.js';
import { zabbixSubject } from '../../../../reconciler/drivers/zabbix/zabbix-settings.js';
import { renderPlanHuman, styleFor } from '../../../../reconciler/render/plan-human.js';
import { planMessages, renderPlanJsonLines } from '../../../../reconciler/render/plan-json.js';
import { renderPlanMarkdown } from '../../../../reconciler/render/plan-markdown.js';
import { openSession } from '../../../../reconciler/session/open-session.js';
import { DEFAULT_OPERATOR_CONFIG } from '../../../../reconciler/session/operator-config.js';
import { makeTempDir } from '../../../lab/daemon.js';
import { type LabZabbix, startLabZabbix, type ZabbixGeneration } from '../../../lab/zabbix.js';
import { frontendDataSetFields } from '../../../lab/zabbix-frontend-fields.js';
import { captureIO } from '../../../support/capture-io.js';
import { git } from '../../../support/git-repo.js';
import { plannedChanges } from '../../../support/pytin-in-lab.js';
import { LAB_COMMUNITIES, LAB_SWITCH_TEMPLATE, LAB_ZABBIX_PASSWORD, type PublishLab, publishLab } from './zabbix-publish-lab.js';

/** Publishing the lab inventory to a real Zabbix of `generation` (6.0: bookworm's package; 7.0:
 * Debian 13's, in the lab's chroot) and reading it back through the API. Each generation's test
 * file registers the same cases; one Zabbix for the file: the tests run in order and build on each
 * other. Test titles start with the generation. */
export function registerZabbixPublishSuite(generation: ZabbixGeneration): void {
  // node:test runs registered tests in order; the promise test() returns is the runner's to await.
  const test = (name: string, fn: (t: TestContext) => Promise<void>): void => void nodeTest(`${generation}: ${name}`, fn);
  let zabbix: LabZabbix;
  let lab: PublishLab;
  before(async () => {
    zabbix = await startLabZabbix(generation);
    lab = await publishLab(zabbix);
  });
  after(async () => {
    await lab?.remove();
    await zabbix?.stop();
  });

  interface ReadHost {
    hostid: string;
    host: string;
    name: string;
    groups: Array<{ name: string }>;
    interfaces: Array<{ interfaceid: string; type: string; ip: string; port: string; main: string; details: Record<string, string> | [] }>;
    tags: Array<{ tag: string; value: string }>;
    inventory: Record<string, string> | [];
    parentTemplates: Array<{ host: string }>;
  }

  async function readHosts(): Promise<Map<string, ReadHost>> {
    const client = await lab.admin();
    try {
      // The hosts' groups: `selectGroups` in 6.0, `selectHostGroups` (answered as `hostgroups`) from 6.2, where the former is deprecated.
      const hosts = await client.call<Array<ReadHost & { hostgroups?: ReadHost['groups'] }>>('host.get', {
        output: ['hostid', 'host', 'name'],
        ...(generation === '6.0' ? { selectGroups: ['name'] } : { selectHostGroups: ['name'] }),
        selectInterfaces: ['interfaceid', 'type', 'ip', 'port', 'main', 'details'],
        selectTags: ['tag', 'value'],
        selectInventory: ['serialno_a', 'model', 'location', 'site_rack', 'site_notes'],
        selectParentTemplates: ['host'],
      });
      return new Map(hosts.map(({ hostgroups, ...h }) => [h.host, { ...h, groups: hostgroups ?? h.groups }]));
    } finally {
      await client.close();
    }
  }

  /** A one-vCPU VM document of acme's with one address, as a test adds it to vms/acme.yaml. */
  const acmeVm = (name: string, hypervisor: string, ip: string): string =>
    [
      'kind: VM',
      `name: ${name}`,
      'tenant: acme',
      `hypervisor: ${hypervisor}`,
      'vcpus: 1',
      'memory: 1GiB',
      'disks:',
      '  - {name: root, size: 10GiB}',
      'interfaces:',
      '  - name: eth0',
      `    ips: [${ip}]`,
      '',
    ].join('\n');

  const names = (items: Array<{ name?: string; host?: string }>) => items.map((i) => i.name ?? i.host ?? '').sort();
  const tagSet = (h: ReadHost) => h.tags.map((t) => `${t.tag}=${t.value}`).sort();

  const LAB_HOSTS = [
    'acme-db-01',
    'acme-web-01',
    'acme-web-02',
    'backup-01',
    // acme's dedicated server (a host like any server; pytin does not log in to it).
    'ded-01',
    'globex-app-01',
    'globex-app-02',
    'globex-cache-01',
    'hv-01',
    'hv-02',
    'sw-r01',
    'sw-r02',
  ];

  test('the first publish creates the groups and the hosts with interfaces, tags, inventory and templates', async () => {
    const report = await lab.publish();
    assert.equal(report.ok, true, JSON.stringify(report.outcomes.filter((o) => !o.outcome.ok).map((o) => o.outcome.diagnostics)));
    const hosts = await readHosts();
    assert.deepEqual([...hosts.keys()].filter((h) => h !== 'Zabbix server').sort(), LAB_HOSTS);
    const hv = hosts.get('hv-01')!;
    assert.deepEqual(names(hv.groups), ['pytin', 'pytin/datacenter/lab1', 'pytin/rack/lab1-r01', 'pytin/role/hypervisor', 'pytin/role/server']);
    assert.deepEqual(
      hv.interfaces.map((i) => [i.type, i.ip, i.port, i.main]),
      [['1', '198.51.100.10', '10050', '1']],
    );
    assert.deepEqual(tagSet(hv), ['datacenter=lab1', 'managed-by=pytin', 'pytin-key=server/hv-01', 'rack=lab1-r01', 'role=hypervisor', 'role=server']);
    assert.deepEqual(hv.inventory, {
      serialno_a: 'LAB-HV-0001',
      model: 'Supermicro SYS-1029P',
      location: 'Loopback, rack room 1',
      site_rack: 'lab1-r01',
      site_notes: 'U10-U11',
    });
    assert.deepEqual(names(hv.parentTemplates), ['ICMP Ping']);

    const sw = hosts.get('sw-r01')!;
    assert.deepEqual(
      sw.interfaces.map((i) => [i.type, i.ip, i.port]),
      [['2', '127.0.0.1', '16101']],
    );
    const details = sw.interfaces[0]!.details as Record<string, string>;
    assert.deepEqual([details.version, details.bulk, details.community], ['2', '1', '{$SNMP_COMMUNITY}']);
    assert.deepEqual(names(sw.parentTemplates), [LAB_SWITCH_TEMPLATE[generation]]);

    const vm = hosts.get('acme-web-01')!;
    assert.deepEqual(names(vm.groups), ['pytin', 'pytin/datacenter/lab1', 'pytin/rack/lab1-r01', 'pytin/role/vm', 'pytin/tenant/acme']);
    assert.deepEqual(
      vm.interfaces.map((i) => [i.type, i.ip]),
      [['1', '203.0.113.10']],
    );
    assert.ok(tagSet(vm).includes('tenant=acme'));
    assert.deepEqual(names(vm.parentTemplates), ['ICMP Ping']);
  });

  interface ReadDashboard {
    dashboardid: string;
    name: string;
    private: string;
    pages: Array<{
      widgets: Array<{
        type: string;
        name: string;
        x: string;
        y: string;
        width: string;
        height: string;
        fields: Array<{ type: string; name: string; value: string }>;
      }>;
    }>;
  }

  async function readDashboards(): Promise<Map<string, ReadDashboard>> {
    const client = await lab.admin();
    try {
      const boards = await client.call<ReadDashboard[]>('dashboard.get', { output: ['dashboardid', 'name', 'private'], selectPages: ['widgets'] });
      return new Map(boards.map((b) => [b.name, b]));
    } finally {
      await client.close();
    }
  }

  type DataSet = { hosts: string[]; items: string[]; color: string };
  /** A widget's data sets as the generation's graph widget reads them back: 6.0
   * (CWidgetFieldGraphDataSet) `ds.hosts.<set>.<n>`, `ds.color.<set>`; 7.0 (CWidgetFieldDataSet)
   * `ds.<set>.hosts.<n>`, `ds.<set>.color`, and the widget's `reference` (five capitals). A field of
   * any other name fails: Zabbix would store it and draw an empty widget. */
  function dataSets(fields: ReadonlyArray<{ name: string; value: string }>): DataSet[] {
    const sets: DataSet[] = [];
    for (const f of fields) {
      if (generation === '7.0' && f.name === 'reference') {
        assert.match(f.value, /^[A-Z]{5}$/);
        continue;
      }
      const match =
        generation === '6.0'
          ? /^ds\.(?<part>hosts|items|color)\.(?<set>\d+)(?:\.(?<n>\d+))?$/.exec(f.name)
          : /^ds\.(?<set>\d+)\.(?<part>hosts|items|color)(?:\.(?<n>\d+))?$/.exec(f.name);
      assert.ok(match?.groups, `a ${generation} graph widget field: ${f.name}`);
      const { part, set: index, n } = match.groups as { part: 'hosts' | 'items' | 'color'; set: string; n?: string };
      const set = (sets[Number(index)] ??= { hosts: [], items: [], color: '' });
      if (part === 'color') set.color = f.value;
      else set[part][Number(n)] = f.value;
    }
    return sets;
  }

  /** The dashboard grid's columns as the lab's own frontend defines them (24 in 6.0, 72 in 7.0). */
  const gridColumns = () => {
    const defines = readFileSync(`${zabbix.frontendDir}/include/defines.inc.php`, 'utf8');
    return Number(/define\('DASHBOARD_MAX_COLUMNS',\s*(\d+)\)/.exec(defines)?.[1]);
  };

  test('dashboards per rack, hypervisor and tenant: graph widgets of the cabled switch ports and VM interfaces, read back from Zabbix', async () => {
    const boards = await readDashboards();
    assert.deepEqual([...boards.keys()].filter((n) => n.startsWith('pytin:')).sort(), [
      'pytin: hypervisor hv-01',
      'pytin: hypervisor hv-02',
      'pytin: rack lab1-r01',
      'pytin: rack lab1-r02',
      'pytin: tenant acme',
      'pytin: tenant globex',
    ]);
    const rack = boards.get('pytin: rack lab1-r01')!;
    assert.equal(rack.private, '0');
    const widgets = rack.pages.flatMap((p) => p.widgets).sort((a, b) => Number(a.y) - Number(b.y) || Number(a.x) - Number(b.x));
    assert.deepEqual(
      widgets.map((w) => [w.type, w.name, w.x, w.y, w.width, w.height]),
      [
        // Two widgets side by side, each half the frontend's grid wide.
        ['svggraph', 'ded-01: switch ports', '0', '0', String(gridColumns() / 2), '5'],
        ['svggraph', 'hv-01: switch ports', String(gridColumns() / 2), '0', String(gridColumns() / 2), '5'],
      ],
    );
    assert.deepEqual(dataSets(widgets[1]!.fields), [{ hosts: ['sw-r01'], items: ['Interface Gi1/0/1(*): Bits *'], color: '1A7C11' }]);
    const hv = boards.get('pytin: hypervisor hv-01')!;
    const hvWidgets = hv.pages.flatMap((p) => p.widgets);
    assert.deepEqual(hvWidgets.map((w) => w.name).sort(), [
      'acme-db-01: interfaces',
      'acme-web-01: interfaces',
      'globex-app-02: interfaces',
      'hv-01: switch ports',
    ]);
    const vmWidget = hvWidgets.find((w) => w.name === 'acme-web-01: interfaces')!;
    assert.deepEqual(dataSets(vmWidget.fields), [{ hosts: ['acme-web-01'], items: ['Interface eth0(*): Bits *', 'Interface eth0: Bits *'], color: '1A7C11' }]);
    // Zabbix stores widget fields without checking them: each graph's fields are exactly those
    // the lab's own frontend (its data-set field class's toApi) writes for the same data sets, and
    // on 7.0 each broadcasting widget has its own reference on its dashboard.
    const byName = (fields: ReadonlyArray<{ type: string; name: string; value: string }>) => fields.map((f) => `${f.type} ${f.name}=${f.value}`).sort();
    for (const board of [...boards.values()].filter((b) => b.name.startsWith('pytin:'))) {
      const widgets = board.pages.flatMap((p) => p.widgets);
      for (const w of widgets) {
        const stored = w.fields.filter((f) => f.name !== 'reference');
        assert.deepEqual(byName(stored), byName(await frontendDataSetFields(zabbix, dataSets(stored))), `${board.name}: ${w.name}`);
      }
      const references = widgets.flatMap((w) => w.fields.filter((f) => f.name === 'reference').map((f) => f.value));
      assert.equal(references.length, generation === '6.0' ? 0 : widgets.length);
      assert.equal(new Set(references).size, references.length, `${board.name}: two widgets share a reference`);
    }
    // Every widget is placed inside the grid without overlapping another.
    for (const board of boards.values()) {
      for (const page of board.pages) {
        const cells = new Set<string>();
        for (const w of page.widgets) {
          assert.ok(Number(w.x) + Number(w.width) <= gridColumns() && Number(w.y) + Number(w.height) <= 64);
          for (let x = Number(w.x); x < Number(w.x) + Number(w.width); x++)
            for (let y = Number(w.y); y < Number(w.y) + Number(w.height); y++) {
              assert.ok(!cells.has(`${x},${y}`), `${board.name}: ${w.name} overlaps`);
              cells.add(`${x},${y}`);
            }
        }
      }
    }
  });

  test('a second publish with nothing changed makes six calls, none of them a write', async () => {
    lab.calls.length = 0;
    const report = await lab.publish();
    assert.deepEqual(
      report.plan.changes.map((c) => `${c.action} ${c.address}`),
      [],
    );
    assert.deepEqual(lab.calls, ['apiinfo.version', 'user.login', 'hostgroup.get', 'template.get', 'host.get', 'dashboard.get', 'user.logout']);
  });

  test('a hand edit of an owned host is drift in the plan, and publishing sets it back', async () => {
    const client = await lab.admin();
    try {
      const hv = (await readHosts()).get('hv-01')!;
      await client.call('host.update', {
        hostid: hv.hostid,
        name: 'renamed by hand',
        tags: [...hv.tags.filter((t) => t.tag !== 'rack'), { tag: 'owner', value: 'someone' }],
        inventory: { serialno_a: 'HAND-EDIT' },
      });
    } finally {
      await client.close();
    }
    const plan = await lab.plan();
    assert.deepEqual(
      plan.changes.map((c) => `${c.action} ${c.address} ${(c.fields ?? []).join(',')} ${c.reason ?? ''}`),
      ['update zabbix-host/hv-01 name,tags,inventory edited in Zabbix by hand'],
    );
    assert.deepEqual(
      plan.drift.map((d) => `${d.kind} ${d.address}`),
      ['zabbix-edited-by-hand zabbix-host/hv-01'],
    );
    lab.calls.length = 0;
    const report = await lab.publish();
    assert.equal(report.ok, true);
    // One write: the host.update of that host (then the read after apply).
    assert.deepEqual(
      lab.calls.filter((m) => !m.endsWith('.get') && !['apiinfo.version', 'user.login', 'user.logout'].includes(m)),
      ['host.update'],
    );
    const hv = (await readHosts()).get('hv-01')!;
    assert.equal(hv.name, 'hv-01');
    assert.deepEqual(tagSet(hv), ['datacenter=lab1', 'managed-by=pytin', 'pytin-key=server/hv-01', 'rack=lab1-r01', 'role=hypervisor', 'role=server']);
    assert.equal((hv.inventory as Record<string, string>).serialno_a, 'LAB-HV-0001');
    assert.deepEqual((await lab.plan()).changes, []);
  });

  interface ReadMacro {
    hostmacroid: string;
    macro: string;
    type: string;
    value?: string;
    hosts: Array<{ host: string }>;
  }

  async function readMacros(): Promise<ReadMacro[]> {
    const client = await lab.admin();
    try {
      const macros = await client.call<ReadMacro[]>('usermacro.get', {
        output: 'extend',
        selectHosts: ['host'],
        hostids: [...(await readHosts()).values()].map((h) => h.hostid),
      });
      return macros.sort((a, b) => `${a.hosts[0]?.host}${a.macro}`.localeCompare(`${b.hosts[0]?.host}${b.macro}`));
    } finally {
      await client.close();
    }
  }

  const writesOf = (calls: readonly string[]) => calls.filter((m) => !m.endsWith('.get') && !['apiinfo.version', 'user.login', 'user.logout'].includes(m));
  const communityValues = () => Object.values(LAB_COMMUNITIES);
  /** The store's bytes, with its write-ahead log (recent writes live there until a checkpoint). */
  const storeBytes = () => Buffer.concat([lab.storePath, `${lab.storePath}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p)));

  test("each switch's SNMP community is published as a secret user macro on its host: Zabbix never returns the value, the store keeps only a fingerprint", async () => {
    const macros = (await readMacros()).filter((m) => m.hosts[0]?.host.startsWith('sw-'));
    assert.deepEqual(
      macros.map((m) => `${m.hosts[0]?.host} ${m.macro} type=${m.type}`),
      ['sw-r01 {$SNMP_COMMUNITY} type=1', 'sw-r02 {$SNMP_COMMUNITY} type=1'],
    );
    for (const m of macros) assert.ok(m.value === undefined || m.value === '', `Zabbix returned a secret macro's value: ${JSON.stringify(m)}`);
    // The SNMP interface names the macro, so Zabbix polls with the published secret.
    const sw = (await readHosts()).get('sw-r01')!;
    assert.equal((sw.interfaces[0]!.details as Record<string, string>).community, '{$SNMP_COMMUNITY}');
    const store = storeBytes();
    for (const value of communityValues()) assert.ok(!store.includes(value), 'a community is in the store');
  });

  test('a macro added by hand on an owned host is left alone', async () => {
    const client = await lab.admin();
    try {
      const sw = (await readHosts()).get('sw-r01')!;
      await client.call('usermacro.create', { hostid: sw.hostid, macro: '{$HAND_MADE}', value: 'kept' });
    } finally {
      await client.close();
    }
    assert.deepEqual((await lab.plan()).changes, []);
    lab.calls.length = 0;
    await lab.publish();
    assert.deepEqual(writesOf(lab.calls), []);
    assert.ok((await readMacros()).some((m) => m.macro === '{$HAND_MADE}' && m.value === 'kept'));
  });

  test('a changed secret is one usermacro.update; neither the plan text nor its JSON holds the old or the new value', async () => {
    const old = lab.env.PYTIN_SECRET_SW_R01_COMMUNITY!;
    const changed = 'lab-Comm-r01-CHANGED-77aa';
    lab.env.PYTIN_SECRET_SW_R01_COMMUNITY = changed;
    const plan = await lab.plan();
    assert.deepEqual(
      plan.changes.map((c) => `${c.action} ${c.address} ${(c.fields ?? []).join(',')}`),
      ['update zabbix-macro/sw-r01/SNMP_COMMUNITY value'],
    );
    const messages = planMessages(plan);
    const texts = [renderPlanJsonLines(messages), renderPlanHuman(messages, styleFor(false, {})), renderPlanMarkdown(messages), JSON.stringify(plan)];
    assert.match(texts[1]!, /zabbix-macro\/sw-r01\/SNMP_COMMUNITY/);
    for (const text of texts)
      for (const value of [old, changed, ...communityValues()]) assert.ok(!text.includes(value), `a community is in: ${text.slice(0, 200)}`);
    lab.calls.length = 0;
    const report = await lab.publish();
    assert.equal(report.ok, true);
    assert.deepEqual(writesOf(lab.calls), ['usermacro.update']);
    for (const o of report.outcomes) assert.ok(!JSON.stringify(o).includes(changed));
    assert.deepEqual((await lab.plan()).changes, []);
    const store = storeBytes();
    assert.ok(!store.includes(changed), 'the new community is in the store');
    lab.env.PYTIN_SECRET_SW_R01_COMMUNITY = old;
    await lab.publish();
  });

  test('a secret the operator does not let go to the Zabbix host is refused with a code and never sent', async () => {
    const saved = lab.operator;
    lab.operator = {
      ...saved,
      secrets: { ...saved.secrets, destinations: [{ secret: { env: 'PYTIN_SECRET_SW_R02_COMMUNITY' }, hosts: ['192.0.2.0/24'] }] },
    };
    const old = lab.env.PYTIN_SECRET_SW_R02_COMMUNITY!;
    lab.env.PYTIN_SECRET_SW_R02_COMMUNITY = 'lab-Comm-r02-REFUSED-3c1f';
    try {
      const plan = await lab.plan();
      assert.deepEqual(plan.changes, []);
      const refused = plan.diagnostics.filter((d) => d.code === 'INV_SECRET_DESTINATION_REFUSED');
      assert.deepEqual(
        refused.map((d) => `${d.severity} ${d.address}`),
        ['warning switch/sw-r02'],
      );
      assert.match(refused[0]!.summary, /may not be sent to 127\.0\.0\.1/);
      lab.calls.length = 0;
      await lab.publish();
      assert.deepEqual(writesOf(lab.calls), []);
    } finally {
      lab.operator = saved;
      lab.env.PYTIN_SECRET_SW_R02_COMMUNITY = old;
    }
    assert.deepEqual((await lab.plan()).changes, []);
  });

  test("a VM's tenant and a server's rack change in git: the hosts move, interfaces keep their ids, the emptied tenant group goes", async () => {
    const before = await readHosts();
    lab.commit('vms/globex.yaml', (t) => t.replace(/tenant: globex/g, 'tenant: acme'));
    lab.commit('servers/backup-01.yaml', (t) => t.replace('rack: lab1-r02', 'rack: lab1-r01'));
    const plan = await lab.plan();
    assert.deepEqual(
      plan.changes.map((c) => `${c.action} ${c.address}`),
      [
        // The racks' and tenants' dashboards follow (globex has no VM left: its dashboard goes).
        'update zabbix-dashboard/rack/lab1-r01',
        'update zabbix-dashboard/rack/lab1-r02',
        'update zabbix-dashboard/tenant/acme',
        'delete zabbix-dashboard/tenant/globex',
        'delete zabbix-group/pytin/tenant/globex',
        'update zabbix-host/backup-01',
        'update zabbix-host/globex-app-01',
        'update zabbix-host/globex-app-02',
        'update zabbix-host/globex-cache-01',
      ],
    );
    const report = await lab.publish();
    assert.equal(report.ok, true, JSON.stringify(report.outcomes.map((o) => o.outcome.diagnostics)));
    const after = await readHosts();
    const app = after.get('globex-app-01')!;
    assert.ok(names(app.groups).includes('pytin/tenant/acme'));
    assert.ok(!names(app.groups).includes('pytin/tenant/globex'));
    assert.ok(tagSet(app).includes('tenant=acme'));
    // Changed in place: the interface is the same object (items that use it keep working).
    assert.equal(app.interfaces[0]!.interfaceid, before.get('globex-app-01')!.interfaces[0]!.interfaceid);
    const backup = after.get('backup-01')!;
    assert.ok(names(backup.groups).includes('pytin/rack/lab1-r01'));
    assert.equal((backup.inventory as Record<string, string>).site_rack, 'lab1-r01');
    const client = await lab.admin();
    try {
      assert.deepEqual(await client.call('hostgroup.get', { output: ['name'], filter: { name: ['pytin/tenant/globex'] } }), []);
    } finally {
      await client.close();
    }
    const boards = await readDashboards();
    assert.equal(boards.has('pytin: tenant globex'), false);
    const acme = boards.get('pytin: tenant acme')!.pages.flatMap((p) => p.widgets.map((w) => w.name));
    assert.ok(acme.includes('globex-app-01: interfaces'), acme.join(', '));
    const rack = boards.get('pytin: rack lab1-r01')!.pages.flatMap((p) => p.widgets.map((w) => w.name));
    assert.ok(rack.includes('backup-01: switch ports'), rack.join(', '));
  });

  test('a VM removed from git is removed from Zabbix; a same-named host pytin does not own is left untouched', async () => {
    const client = await lab.admin();
    let handMade: string;
    try {
      // Someone's own host with the name a new VM will have.
      const group = await client.call<Array<{ groupid: string }>>('hostgroup.get', { output: ['groupid'], filter: { name: ['Linux servers'] } });
      const created = await client.call<{ hostids: string[] }>('host.create', {
        host: 'acme-web-03',
        groups: [{ groupid: group[0]!.groupid }],
        tags: [{ tag: 'owner', value: 'ops' }],
      });
      handMade = created.hostids[0]!;
    } finally {
      await client.close();
    }
    lab.commit('vms/acme.yaml', (t) => {
      const docs = t.split('\n---\n');
      const kept = docs.filter((d) => !d.includes('name: acme-web-02'));
      // A new VM whose name is taken in Zabbix by the hand-made host.
      kept.push(acmeVm('acme-web-03', 'hv-01', '203.0.113.13'));
      return kept.join('\n---\n');
    });
    const plan = await lab.plan();
    assert.deepEqual(
      plan.changes.map((c) => `${c.action} ${c.address}`),
      // Its hypervisor's and tenant's dashboards lose its widget; the hand-made acme-web-03 is graphed nowhere.
      ['update zabbix-dashboard/hypervisor/hv-02', 'update zabbix-dashboard/tenant/acme', 'delete zabbix-host/acme-web-02'],
    );
    assert.deepEqual(
      plan.diagnostics.filter((d) => d.code.startsWith('PLAN_ZABBIX')).map((d) => `${d.code} ${d.address}`),
      ['PLAN_ZABBIX_HOST_NOT_OWNED vm/acme-web-03'],
    );
    const report = await lab.publish();
    assert.equal(report.ok, true);
    const hosts = await readHosts();
    assert.equal(hosts.has('acme-web-02'), false);
    const other = hosts.get('acme-web-03')!;
    assert.equal(other.hostid, handMade);
    assert.deepEqual(tagSet(other), ['owner=ops']);
    assert.deepEqual(names(other.groups), ['Linux servers']);
  });

  test('Zabbix stopped in the middle of a publish: exit not ok, every outcome recorded, the next plan shows exactly what is left', async () => {
    lab.commit('vms/acme.yaml', (t) =>
      t
        .replace(/\n---\nkind: VM\nname: acme-web-03[\s\S]*$/, '')
        .concat(...['01', '02', '03'].map((n) => `\n---\n${acmeVm(`acme-new-${n}`, 'hv-02', `203.0.113.3${n.slice(1)}`)}`)),
    );
    // The frontend goes away once the first host write has been sent: the writes after it fail.
    let stopping: Promise<void> | undefined;
    // One host a call, so the writes after the first are sure to find the frontend gone.
    const session = await lab.open(1);
    const stopAtFirstWrite = (method: string) => {
      if (method === 'host.create' && !stopping) stopping = zabbix.stopFrontend();
    };
    lab.onCall = stopAtFirstWrite;
    let report;
    try {
      report = await lab.publishIn(session);
    } finally {
      lab.onCall = undefined;
      await stopping;
      await session.close();
      await zabbix.startFrontend();
    }
    assert.equal(report.ok, false);
    const failed = report.outcomes.filter((o) => o.status !== 'applied');
    assert.ok(failed.length >= 1);
    for (const o of failed) assert.match(o.outcome.diagnostics[0]!.code, /^APPLY_ZABBIX_(UNREACHABLE|NOT_ATTEMPTED|REFUSED)$|^APPLY_SKIPPED$/);
    // Every planned change has its outcome in the store's run.
    assert.equal(report.outcomes.length, report.plan.changes.length);
    const inZabbix = new Set((await readHosts()).keys());
    const left = (await lab.plan()).changes.map((c) => `${c.action} ${c.address}`);
    // The dashboards come after the host writes: never attempted, still to do.
    const expected = [
      'update zabbix-dashboard/hypervisor/hv-02',
      'update zabbix-dashboard/tenant/acme',
      ...['acme-new-01', 'acme-new-02', 'acme-new-03'].filter((h) => !inZabbix.has(h)).map((h) => `create zabbix-host/${h}`),
    ];
    assert.deepEqual(left, expected);
    const final = await lab.publish();
    assert.equal(final.ok, true);
    assert.deepEqual((await lab.plan()).changes, []);
  });

  async function pytin(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const io = captureIO(lab.repoDir, { PYTIN_SECRET_ZABBIX_PASSWORD: LAB_ZABBIX_PASSWORD });
    const code = await runCli(COMMANDS, args, io);
    return { code, out: io.out(), err: io.err() };
  }

  test('the CLI: pytin publish zabbix runs only this driver; pytin plan includes it; --dry-run changes nothing', async () => {
    const first = await pytin('publish', 'zabbix', '--json');
    assert.equal(first.code, 0, first.err + first.out);
    assert.deepEqual(plannedChanges(first.out), []);
    lab.commit('servers/hypervisors.yaml', (t) => t.replace('serial: LAB-HV-0002', 'serial: LAB-HV-0002-B'));
    // The whole plan (every driver, from the store): the Zabbix change is in it, on the Zabbix endpoint.
    const plan = await pytin('plan', '--json');
    assert.ok(plannedChanges(plan.out).includes('update zabbix-host/hv-02'), plan.out + plan.err);
    const zabbixLine = plan.out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; address?: string; service?: string })
      .find((m) => m.type === 'planned_change' && m.address === 'zabbix-host/hv-02');
    assert.equal(zabbixLine?.service, 'lab-zabbix');
    const dry = await pytin('publish', 'zabbix', '--dry-run', '--json');
    assert.equal(dry.code, 0, dry.err);
    assert.deepEqual(plannedChanges(dry.out), ['update zabbix-host/hv-02']);
    assert.equal(((await readHosts()).get('hv-02')!.inventory as Record<string, string>).serialno_a, 'LAB-HV-0002');
    const publish = await pytin('publish', 'zabbix');
    assert.equal(publish.code, 0, publish.err);
    assert.match(publish.out, /applied update +zabbix-host\/hv-02 on service lab-zabbix/);
    assert.equal(((await readHosts()).get('hv-02')!.inventory as Record<string, string>).serialno_a, 'LAB-HV-0002-B');
    // Credentials never in any output.
    for (const out of [first, plan, dry, publish]) assert.ok(!`${out.out}${out.err}`.includes(LAB_ZABBIX_PASSWORD));
  });

  test('apply opens a Zabbix maintenance window over each host about to be replaced or restarted, and closes it when its changes end', async () => {
    const admin = await lab.admin();
    /** The hosts under one of pytin's maintenance windows that is in force now, as Zabbix has them. */
    const underMaintenance = async () => {
      const windows = await admin.call<Array<{ name: string; active_since: string; active_till: string; hosts: Array<{ host: string }> }>>('maintenance.get', {
        output: ['name', 'active_since', 'active_till'],
        selectHosts: ['host'],
      });
      const now = Date.now() / 1000;
      return windows
        .filter((w) => w.name.startsWith('pytin apply ') && Number(w.active_since) <= now && now < Number(w.active_till))
        .flatMap((w) => w.hosts.map((h) => h.host))
        .sort();
    };
    const during: string[] = [];
    // A driver standing in for the KVM driver's disruptive changes (their apply needs a hypervisor
    // this test does not start): it records which hosts are in maintenance while each change runs.
    const change = (address: string, action: 'replace' | 'update', notes: string[] = []) => ({
      address,
      action,
      driver: 'lab-restart',
      // On the Zabbix endpoint: the session has a transport for it without a hypervisor.
      service: 'lab-zabbix',
      before: null,
      after: null,
      notes,
    });
    const restarting: Driver = {
      name: 'lab-restart',
      order: 10,
      plan: () => ({
        changes: [
          change('vm/acme-web-01', 'replace'),
          change('vm/acme-db-01', 'update', ['restart needed: vCPU and memory are changed in the domain configuration and take effect at its next boot']),
          change('vm/globex-app-02', 'update'),
        ],
        drift: [],
        diagnostics: [],
      }),
      async apply(c) {
        during.push(`${c.address}: ${(await underMaintenance()).join(' ') || '-'}`);
        return { ok: true, output: 'done', diagnostics: [] };
      },
    };
    const session = await lab.open(undefined, [restarting]);
    lab.calls.length = 0;
    let report;
    try {
      report = await lab.publishIn(session);
    } finally {
      await session.close();
    }
    try {
      assert.deepEqual(report.warnings, []);
      assert.deepEqual(
        report.outcomes.filter((o) => o.change.driver === 'lab-restart').map((o) => `${o.status} ${o.change.address} ${JSON.stringify(o.outcome.diagnostics)}`),
        ['applied vm/acme-db-01 []', 'applied vm/acme-web-01 []', 'applied vm/globex-app-02 []'],
      );
      // Both windows open before the first change; each closes once its host's change has ended.
      assert.deepEqual(during, ['vm/acme-db-01: acme-db-01 acme-web-01', 'vm/acme-web-01: acme-web-01', 'vm/globex-app-02: -']);
      assert.deepEqual(await underMaintenance(), []);
      assert.deepEqual(
        lab.calls.filter((m) => m.startsWith('maintenance.')),
        ['maintenance.create', 'maintenance.delete', 'maintenance.delete'],
      );
    } finally {
      await admin.close();
    }
  });

  test("a switch's SNMP interface removed from git while the template's items use it: a plan diagnostic, the interface kept, the apply not failed", async () => {
    const before = (await readHosts()).get('sw-r01')!;
    assert.equal(before.interfaces.length, 1);
    lab.commit('network/switches.yaml', (t) => t.replace('snmp:\n  host: 127.0.0.1\n  port: 16101\n  credentials: sw-r01-snmp\n', ''));
    const plan = await lab.plan();
    assert.deepEqual(
      plan.diagnostics.filter((d) => d.code === 'PLAN_ZABBIX_INTERFACE_IN_USE').map((d) => d.address),
      ['zabbix-host/sw-r01'],
    );
    assert.match(plan.diagnostics.find((d) => d.code === 'PLAN_ZABBIX_INTERFACE_IN_USE')!.summary, /127\.0\.0\.1:16101 interface \(\d+ items\)/);
    assert.deepEqual(
      plan.changes.filter((c) => c.address === 'zabbix-host/sw-r01'),
      [],
    );
    // The kept interface still polls with the community macro: it is not deleted under it.
    assert.deepEqual(
      plan.changes.filter((c) => c.address.startsWith('zabbix-macro/sw-r01/')),
      [],
    );
    const report = await lab.publish();
    assert.equal(report.ok, true);
    const after = (await readHosts()).get('sw-r01')!;
    assert.deepEqual(
      after.interfaces.map((i) => i.interfaceid),
      [before.interfaces[0]!.interfaceid],
    );
    assert.ok((await readMacros()).some((m) => m.hosts[0]?.host === 'sw-r01' && m.macro === '{$SNMP_COMMUNITY}'));
  });

  test("a switch's credentials moved to SNMPv3: its interface names the v3 user, level, protocols and secret macros; the keys are secret macros, the community macro goes", async () => {
    const keys = { PYTIN_SECRET_SW_R02_AUTH: 'lab-Auth-r02-5e1d0a', PYTIN_SECRET_SW_R02_PRIV: 'lab-Priv-r02-c4f7b9' };
    Object.assign(lab.env, keys);
    const before = (await readHosts()).get('sw-r02')!;
    lab.commit('settings.yaml', (t) =>
      t.replace(
        'name: sw-r02-snmp\nversion: v2c\ncommunity: {env: PYTIN_SECRET_SW_R02_COMMUNITY}\n',
        [
          'name: sw-r02-snmp',
          'version: v3',
          'user: monitor',
          'authProtocol: sha256',
          'authKey: {env: PYTIN_SECRET_SW_R02_AUTH}',
          'privKey: {env: PYTIN_SECRET_SW_R02_PRIV}',
          '',
        ].join('\n'),
      ),
    );
    const plan = await lab.plan();
    // The interface stops naming the community before its macro goes.
    assert.deepEqual(
      plan.changes.map((c) => `${c.action} ${c.address}`),
      [
        'update zabbix-host/sw-r02',
        'delete zabbix-macro/sw-r02/SNMP_COMMUNITY',
        'create zabbix-macro/sw-r02/SNMPV3_AUTHPASS',
        'create zabbix-macro/sw-r02/SNMPV3_PRIVPASS',
      ],
    );
    const report = await lab.publish();
    assert.equal(report.ok, true, JSON.stringify(report.outcomes.map((o) => o.outcome.diagnostics)));
    const sw = (await readHosts()).get('sw-r02')!;
    // Changed in place: the template's items keep their interface.
    assert.deepEqual(
      sw.interfaces.map((i) => i.interfaceid),
      [before.interfaces[0]!.interfaceid],
    );
    const details = sw.interfaces[0]!.details as Record<string, string>;
    // authPriv, SHA-256 as named, AES-128 (no privProtocol: pytin's own default, not Zabbix's DES),
    // the keys by macro only.
    assert.deepEqual(
      Object.fromEntries(
        ['version', 'securityname', 'securitylevel', 'authprotocol', 'privprotocol', 'authpassphrase', 'privpassphrase'].map((k) => [k, details[k]]),
      ),
      {
        version: '3',
        securityname: 'monitor',
        securitylevel: '2',
        authprotocol: '3',
        privprotocol: '1',
        authpassphrase: '{$SNMPV3_AUTHPASS}',
        privpassphrase: '{$SNMPV3_PRIVPASS}',
      },
    );
    const macros = (await readMacros()).filter((m) => m.hosts[0]?.host === 'sw-r02');
    assert.deepEqual(
      macros.map((m) => `${m.macro} type=${m.type}`),
      ['{$SNMPV3_AUTHPASS} type=1', '{$SNMPV3_PRIVPASS} type=1'],
    );
    for (const m of macros) assert.ok(m.value === undefined || m.value === '', `Zabbix returned a secret macro's value: ${JSON.stringify(m)}`);
    const store = storeBytes();
    for (const value of Object.values(keys)) assert.ok(!store.includes(value), 'an SNMPv3 key is in the store');
    for (const o of report.outcomes) for (const value of Object.values(keys)) assert.ok(!JSON.stringify(o).includes(value));
    lab.calls.length = 0;
    assert.deepEqual((await lab.plan()).changes, []);
  });

  test('the attack: a branch points the ZabbixConnection at its own server; pytin still talks only to the trusted URL', async (t) => {
    const received: string[] = [];
    const attacker = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += String(chunk)));
      request.on('end', () => {
        received.push(body);
        response.end('{"jsonrpc":"2.0","result":"7.0.0","id":1}');
      });
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => attacker.close(() => resolve())));
    const port = (attacker.address() as AddressInfo).port;
    git(lab.repoDir, 'checkout', '-qb', 'evil');
    lab.commit('zabbix.yaml', (text) => text.replace(/url: .*/, `url: http://127.0.0.1:${port}/api_jsonrpc.php`));
    git(lab.repoDir, 'checkout', '-q', 'main');
    const state = await makeTempDir('zabbix-trust');
    t.after(() => state.remove());
    const opened = await openSession({
      inventory: { repo: lab.repoDir, ref: 'evil' },
      operator: { ...DEFAULT_OPERATOR_CONFIG, trustedRef: 'main' },
      storePath: `${state.path}/store.sqlite`,
      env: { PYTIN_SECRET_ZABBIX_PASSWORD: LAB_ZABBIX_PASSWORD },
      trustNewHosts: false,
      parallelism: 1,
      drivers: [zabbixDriver],
    });
    if ('failed' in opened) assert.fail(JSON.stringify(opened.failed));
    const { session } = opened;
    try {
      const [read] = await session.observe(new Set([zabbixSubject('lab-zabbix')]));
      assert.equal(read?.ok, true, JSON.stringify(read?.diagnostics));
      assert.match(read.summary, new RegExp(`^Zabbix ${generation.replace('.', '\\.')}\\.\\d+:`));
      assert.ok(session.inventoryWarnings.some((d) => d.code === 'TRUST_CONNECTIONS_DIFFER'));
    } finally {
      await session.close();
    }
    assert.deepEqual(received, []);
  });

  // Last in the suite: it deletes a stock template the lab's settings link to VMs and hypervisors.
  test("a template deleted in Zabbix between the read and the writes: the write is APPLY_ZABBIX_REFUSED with Zabbix's own words, every outcome recorded, the next plan names the template", async () => {
    lab.commit('vms/acme.yaml', (t) => t.concat(`\n---\n${acmeVm('acme-refused-01', 'hv-02', '203.0.113.38')}`));
    const session = await lab.open();
    let report;
    try {
      // The plan is made from this read, while "ICMP Ping" still exists ...
      await session.observe(new Set([zabbixSubject('lab-zabbix')]));
      const client = await lab.admin();
      try {
        const [template] = await client.call<Array<{ templateid: string }>>('template.get', { output: ['templateid'], filter: { host: ['ICMP Ping'] } });
        assert.ok(template, 'the lab Zabbix has the stock "ICMP Ping" template');
        // ... and is gone when the host that links it is written.
        await client.call('template.delete', [template.templateid]);
      } finally {
        await client.close();
      }
      report = await lab.applyRead(session);
    } finally {
      await session.close();
    }
    assert.equal(report.ok, false);
    const create = report.outcomes.find((o) => o.change.address === 'zabbix-host/acme-refused-01');
    assert.equal(
      create?.status,
      'failed',
      JSON.stringify(report.outcomes.filter((o) => o.status !== 'applied').map((o) => [o.change.address, o.status, o.outcome.diagnostics])),
    );
    const diagnostic = create.outcome.diagnostics[0]!;
    assert.equal(diagnostic.code, 'APPLY_ZABBIX_REFUSED');
    // Zabbix's own message and data, not a generic failure.
    assert.match(diagnostic.summary + (diagnostic.detail ?? ''), /host\.create/);
    assert.match(diagnostic.summary + (diagnostic.detail ?? ''), /permission|not exist|No permissions/i);
    assert.equal(report.outcomes.length, report.plan.changes.length);
    assert.ok(!(await readHosts()).has('acme-refused-01'));
    // A fresh read sees the template gone: the plan says so instead of writing a doomed host.
    const next = await lab.plan();
    assert.ok(
      next.diagnostics.some((d) => d.code === 'PLAN_ZABBIX_TEMPLATE_MISSING' && `${d.summary} ${d.detail ?? ''}`.includes('ICMP Ping')),
      JSON.stringify(next.diagnostics),
    );
  });
}
