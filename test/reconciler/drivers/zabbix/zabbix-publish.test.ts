import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { type LabZabbix, startLabZabbix } from '../../../lab/zabbix.js';
import { type PublishLab, publishLab } from './zabbix-publish-lab.js';

// Publishing the lab inventory to a real Zabbix 6.0 (bookworm's package) and reading it back
// through the API. One Zabbix for the file: the tests run in order and build on each other.

let zabbix: LabZabbix;
let lab: PublishLab;
before(async () => {
  zabbix = await startLabZabbix();
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
    const hosts = await client.call<ReadHost[]>('host.get', {
      output: ['hostid', 'host', 'name'],
      selectGroups: ['name'],
      selectInterfaces: ['interfaceid', 'type', 'ip', 'port', 'main', 'details'],
      selectTags: ['tag', 'value'],
      selectInventory: ['serialno_a', 'model', 'location', 'site_rack', 'site_notes'],
      selectParentTemplates: ['host'],
    });
    return new Map(hosts.map((h) => [h.host, h]));
  } finally {
    await client.close();
  }
}

const names = (items: Array<{ name?: string; host?: string }>) => items.map((i) => i.name ?? i.host ?? '').sort();
const tagSet = (h: ReadHost) => h.tags.map((t) => `${t.tag}=${t.value}`).sort();

const LAB_HOSTS = [
  'acme-db-01',
  'acme-web-01',
  'acme-web-02',
  'backup-01',
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
  assert.deepEqual(names(sw.parentTemplates), ['Generic by SNMP']);

  const vm = hosts.get('acme-web-01')!;
  assert.deepEqual(names(vm.groups), ['pytin', 'pytin/datacenter/lab1', 'pytin/rack/lab1-r01', 'pytin/role/vm', 'pytin/tenant/acme']);
  assert.deepEqual(
    vm.interfaces.map((i) => [i.type, i.ip]),
    [['1', '203.0.113.10']],
  );
  assert.ok(tagSet(vm).includes('tenant=acme'));
  assert.deepEqual(names(vm.parentTemplates), ['ICMP Ping']);
});

test('a second publish with nothing changed makes six calls, none of them a write', async () => {
  lab.calls.length = 0;
  const report = await lab.publish();
  assert.deepEqual(
    report.plan.changes.map((c) => `${c.action} ${c.address}`),
    [],
  );
  assert.deepEqual(lab.calls, ['apiinfo.version', 'user.login', 'hostgroup.get', 'template.get', 'host.get', 'user.logout']);
});
