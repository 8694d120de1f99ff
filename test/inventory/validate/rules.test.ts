import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatDiagnostic } from '../../../inventory/core/diagnostic.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { labTexts, labWith, positionOfMarker, snapshotOf } from '../../support/lab-inventory.js';

test('the lab example is valid, with no warning', () => {
  const { diagnostics, state } = validateInventory(snapshotOf(labTexts()));
  assert.deepEqual(diagnostics.map(formatDiagnostic), []);
  assert.equal(state.resources.get('vm/acme-web-01')?.kind, 'VM');
  assert.equal(state.ipHoldings.get('2001:db8:10::10')?.holder, 'vm/acme-web-01/eth0');
  assert.equal(state.ipHoldings.get('203.0.113.200')?.holder, 'pool/lab1-public/reservation');
});

test('defaults are filled in and MACs normalised in the desired state', () => {
  const { state } = validateInventory(snapshotOf(labTexts()));
  const hv2 = state.resources.get('server/hv-02')!.spec as { interfaces: Array<{ mac: string }> };
  assert.equal(hv2.interfaces[0]!.mac, '0c:c4:7a:10:00:02');
  const vm = state.resources.get('vm/acme-web-01')!.spec as { disks: Array<{ bus: string }>; protected: boolean };
  assert.equal(vm.disks[0]!.bus, 'virtio');
  assert.equal(vm.protected, false);
});

interface RuleCase {
  name: string;
  file: string;
  find: string | RegExp;
  replace: string;
  code: string;
  /** The diagnostic starts at the first occurrence of this text in the edited file. */
  at: string;
  /** The file the diagnostic points into, when not the edited one. */
  atFile?: string;
  /** Which occurrence of `at` (default 0). */
  nth?: number;
  severity?: 'error' | 'warning';
}

const cases: RuleCase[] = [
  {
    name: 'a duplicate name in the same kind',
    file: 'vms/globex.yaml',
    find: 'name: globex-cache-01',
    replace: 'name: globex-app-01',
    code: 'INV_RULE_DUPLICATE_NAME',
    at: 'globex-app-01',
    nth: 1,
  },
  {
    name: 'a rack in an unknown datacenter',
    file: 'datacenter.yaml',
    find: 'datacenter: lab1\nunits: 42\nrow: B',
    replace: 'datacenter: lab9\nunits: 42\nrow: B',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: 'lab9',
  },
  {
    name: 'a server in an unknown rack',
    file: 'servers/backup-01.yaml',
    find: 'rack: lab1-r02',
    replace: 'rack: lab1-r77',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: 'lab1-r77',
  },
  {
    name: 'cabling to a port the switch does not have',
    file: 'servers/backup-01.yaml',
    find: 'port: "18"',
    replace: 'port: "19"',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: '"19"',
  },
  {
    name: 'a VM on a server without the hypervisor role',
    file: 'vms/globex.yaml',
    find: 'hypervisor: hv-02',
    replace: 'hypervisor: backup-01',
    code: 'INV_RULE_WRONG_ROLE',
    at: 'backup-01',
  },
  {
    name: 'a VM of an unknown tenant',
    file: 'vms/acme.yaml',
    find: 'tenant: acme',
    replace: 'tenant: acme-corp',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: 'acme-corp',
  },
  {
    name: 'a backup policy on an unknown host',
    file: 'backups.yaml',
    find: 'host: backup-01',
    replace: 'host: backup-09',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: 'backup-09',
  },
  {
    name: 'a switch with unknown SNMP credentials',
    file: 'network/switches.yaml',
    find: 'credentials: sw-r01-snmp',
    replace: 'credentials: sw-r09-snmp',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: 'sw-r09-snmp',
  },
  {
    name: 'a device reaching above the top of its rack',
    file: 'servers/backup-01.yaml',
    find: 'position: 20, height: 2',
    replace: 'position: 42, height: 2',
    code: 'INV_RULE_RACK_UNIT_OUTSIDE',
    at: '42, height',
  },
  {
    name: 'two devices in the same rack unit',
    file: 'servers/hypervisors.yaml',
    find: 'rack: lab1-r02, position: 10',
    replace: 'rack: lab1-r01, position: 11',
    code: 'INV_RULE_RACK_UNIT_OVERLAP',
    at: '11, height',
  },
  {
    name: 'an address outside every pool of the datacenter',
    file: 'vms/acme.yaml',
    find: 'ips: [203.0.113.11]',
    replace: 'ips: [192.0.2.11]',
    code: 'INV_RULE_IP_OUTSIDE_POOL',
    at: '192.0.2.11',
  },
  {
    name: 'the network address of a pool',
    file: 'vms/acme.yaml',
    find: 'ips: [203.0.113.11]',
    replace: 'ips: [203.0.113.0]',
    code: 'INV_RULE_IP_NETWORK_ADDRESS',
    at: '203.0.113.0]',
  },
  {
    name: 'the broadcast address of a pool',
    file: 'vms/acme.yaml',
    find: 'ips: [203.0.113.11]',
    replace: 'ips: [203.0.113.255]',
    code: 'INV_RULE_IP_BROADCAST_ADDRESS',
    at: '203.0.113.255',
  },
  {
    name: 'the gateway of a pool',
    file: 'vms/acme.yaml',
    find: 'ips: [203.0.113.11]',
    replace: 'ips: [203.0.113.1]',
    code: 'INV_RULE_IP_GATEWAY',
    at: '203.0.113.1]',
  },
  {
    name: 'an address in a reserved range',
    file: 'vms/acme.yaml',
    find: 'ips: [203.0.113.11]',
    replace: 'ips: [203.0.113.7]',
    code: 'INV_RULE_IP_RESERVED',
    at: '203.0.113.7',
  },
  {
    name: 'an address held twice, across files',
    file: 'vms/globex.yaml',
    find: 'ips: [203.0.113.21]',
    replace: 'ips: [203.0.113.10]',
    code: 'INV_RULE_IP_DUPLICATE',
    at: '203.0.113.10',
  },
  {
    name: 'an IPv6 address held twice in another notation',
    file: 'vms/globex.yaml',
    find: '"2001:db8:10::22"',
    replace: '"2001:0db8:0010:0000:0000:0000:0000:0010"',
    code: 'INV_RULE_IP_DUPLICATE',
    at: '"2001:0db8',
  },
  {
    name: 'a reservation that a VM also holds',
    file: 'vms/globex.yaml',
    find: 'ips: [203.0.113.21]',
    replace: 'ips: [203.0.113.200]',
    code: 'INV_RULE_IP_DUPLICATE',
    at: '203.0.113.200',
  },
  {
    name: 'overlapping pools',
    file: 'network/pools.yaml',
    find: 'vlan: 10\n',
    replace: 'vlan: 10\n---\nkind: IPPool\nname: lab1-extra\ndatacenter: lab1\ncidr: 203.0.113.128/25\n',
    code: 'INV_RULE_POOL_OVERLAP',
    at: '203.0.113.128/25',
  },
  {
    name: 'a gateway outside its pool',
    file: 'network/pools.yaml',
    find: 'gateway: 198.51.100.1',
    replace: 'gateway: 198.51.100.100',
    code: 'INV_RULE_POOL_GATEWAY_OUTSIDE',
    at: '198.51.100.100',
  },
  {
    name: 'a reserved range outside its pool',
    file: 'network/pools.yaml',
    find: '203.0.113.2-203.0.113.9',
    replace: '203.0.113.2-203.0.114.9',
    code: 'INV_RULE_POOL_RANGE_INVALID',
    at: '203.0.113.2-203.0.114.9',
  },
  {
    name: 'a MAC used twice in another notation',
    file: 'vms/globex.yaml',
    find: 'mac: 52:54:00:b0:00:02',
    replace: 'mac: 5254.00A0.0001',
    code: 'INV_RULE_MAC_DUPLICATE',
    at: '5254.00A0.0001',
  },
  {
    name: 'a switch port cabled to two interfaces',
    file: 'servers/hypervisors.yaml',
    find: 'port: "17"',
    replace: 'port: "18"',
    code: 'INV_RULE_PORT_CABLED_TWICE',
    at: '{switch: sw-r02, port: "18"}',
  },
  {
    name: 'a limit above the hypervisor link speed (warning)',
    file: 'vms/acme.yaml',
    find: 'bandwidth: {inbound: 1Gbit, outbound: 200Mbit}',
    replace: 'bandwidth: {inbound: 10Gbit, outbound: 200Mbit}',
    code: 'INV_RULE_BANDWIDTH_OVER_SPEED',
    at: '10Gbit',
    severity: 'warning',
  },
  {
    name: 'an interface faster than its switch port (warning)',
    file: 'servers/backup-01.yaml',
    find: 'speed: 1Gbit',
    replace: 'speed: 10Gbit',
    code: 'INV_RULE_BANDWIDTH_OVER_SPEED',
    at: '10Gbit',
    severity: 'warning',
  },
  {
    name: 'VMs over the hypervisor capacity (warning)',
    file: 'vms/acme.yaml',
    find: 'vcpus: 4\nmemory: 16GiB',
    replace: 'vcpus: 40\nmemory: 16GiB',
    code: 'INV_RULE_HYPERVISOR_OVERCOMMIT',
    atFile: 'servers/hypervisors.yaml',
    at: '16, memory',
    severity: 'warning',
  },
  { name: 'iterations below 1', file: 'backups.yaml', find: 'iterations: 5', replace: 'iterations: 0', code: 'INV_SCHEMA_RANGE', at: '0\n' },
  { name: 'keepSequences below 0', file: 'backups.yaml', find: 'keepSequences: 1', replace: 'keepSequences: -1', code: 'INV_SCHEMA_RANGE', at: '-1' },
  {
    name: 'a literal community string',
    file: 'settings.yaml',
    find: 'community: {env: PYTIN_SECRET_SW_R01_COMMUNITY}',
    replace: 'community: public',
    code: 'INV_RULE_LITERAL_SECRET',
    at: 'public',
  },
  {
    name: 'a literal SSH private key',
    file: 'settings.yaml',
    find: 'privateKey: {file: lab/id_ed25519}',
    replace: 'privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----"',
    code: 'INV_RULE_LITERAL_SECRET',
    at: '"-----BEGIN',
  },
  {
    name: 'a second Store',
    file: 'settings.yaml',
    find: 'lastSeenWarningDays: 31',
    replace: 'lastSeenWarningDays: 31\n---\nkind: Store\nname: other-store',
    code: 'INV_RULE_SINGLETON',
    at: 'Store\nname: other',
    nth: 0,
  },
  {
    name: 'a malformed MAC',
    file: 'vms/acme.yaml',
    find: 'mac: 52:54:00:a0:00:02',
    replace: 'mac: 52:54:00:a0:00',
    code: 'INV_SCHEMA_FORMAT',
    at: '52:54:00:a0:00\n',
  },
  {
    name: 'a malformed bandwidth',
    file: 'vms/acme.yaml',
    find: 'inbound: 100Mbit, outbound: 100Mbit}\n---\nkind: VM\nname: acme-db-01',
    replace: 'inbound: 100 mbps, outbound: 100Mbit}\n---\nkind: VM\nname: acme-db-01',
    code: 'INV_SCHEMA_FORMAT',
    at: '100 mbps',
  },
  // Issue 10: tenants, held addresses, racked devices, reservations, faces, routed subnets, power.
  {
    name: 'a dedicated server rented to an unknown tenant',
    file: 'servers/dedicated.yaml',
    find: 'tenant: acme',
    replace: 'tenant: acmee',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: 'acmee',
  },
  {
    name: 'rack units reserved for an unknown tenant',
    file: 'datacenter.yaml',
    find: 'tenant: globex, reason',
    replace: 'tenant: globexx, reason',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: 'globexx',
  },
  {
    name: 'an SNMP endpoint naming an address the switch does not hold',
    file: 'network/switches.yaml',
    find: 'host: 127.0.0.1\n  port: 16101',
    replace: 'address: oob\n  port: 16101',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: 'oob',
  },
  {
    name: "a server placed on a colocation customer's units",
    file: 'servers/dedicated.yaml',
    find: /placement: \{rack: lab1-r01[^}]*\}/,
    replace: 'placement: {rack: lab1-r03, position: 5}',
    code: 'INV_RULE_RACK_UNIT_RESERVED',
    at: '5}',
  },
  {
    name: 'a patch panel on units reserved as damaged',
    file: 'network/devices.yaml',
    find: 'placement: {rack: lab1-r01, position: 41}',
    replace: 'placement: {rack: lab1-r03, position: 40}',
    code: 'INV_RULE_RACK_UNIT_RESERVED',
    at: '40}',
  },
  {
    name: 'two half-depth devices on the same face of a unit',
    file: 'servers/dedicated.yaml',
    find: 'face: front, halfDepth: true',
    replace: 'face: rear, halfDepth: true',
    code: 'INV_RULE_RACK_UNIT_OVERLAP',
    at: '1, face: rear',
    atFile: 'network/devices.yaml',
  },
  {
    name: 'a full-depth server on a unit a half-depth PDU takes at the rear',
    file: 'servers/dedicated.yaml',
    find: ', face: front, halfDepth: true',
    replace: '',
    code: 'INV_RULE_RACK_UNIT_OVERLAP',
    at: '1, face: rear',
    atFile: 'network/devices.yaml',
  },
  {
    name: 'a reservation reaching past the top of the rack',
    file: 'datacenter.yaml',
    find: 'from: 40, to: 42',
    replace: 'from: 40, to: 43',
    code: 'INV_RULE_RACK_UNIT_OUTSIDE',
    at: '40, to: 43',
  },
  {
    name: 'an address inside a subnet routed whole to a customer',
    file: 'vms/acme.yaml',
    find: 'ips: [203.0.113.11]',
    replace: 'ips: [198.51.100.250]',
    code: 'INV_RULE_IP_IN_ROUTED_SUBNET',
    at: '198.51.100.250',
  },
  {
    name: "a switch's management address held twice",
    file: 'network/switches.yaml',
    find: 'ip: 198.51.100.3',
    replace: 'ip: 198.51.100.2',
    code: 'INV_RULE_IP_DUPLICATE',
    at: '198.51.100.2}',
  },
  {
    name: "a PDU holding its pool's gateway",
    file: 'network/devices.yaml',
    find: 'ip: 198.51.100.4',
    replace: 'ip: 198.51.100.1',
    code: 'INV_RULE_IP_GATEWAY',
    at: '198.51.100.1',
  },
  {
    name: 'a rack whose devices draw more than its feeds deliver (warning)',
    file: 'datacenter.yaml',
    find: 'capacity: 2300',
    replace: 'capacity: 100',
    code: 'INV_RULE_POWER_OVER_BUDGET',
    at: '- {name: feed-a, capacity: 100}',
    severity: 'warning',
  },
  {
    name: 'a pool outside the aggregate it names',
    file: 'network/pools.yaml',
    find: 'cidr: 198.51.100.248/29',
    replace: 'cidr: 192.0.2.248/29',
    code: 'INV_RULE_POOL_OUTSIDE_AGGREGATE',
    at: '192.0.2.248/29',
  },
  {
    name: 'a pool naming an unknown aggregate',
    file: 'network/pools.yaml',
    find: 'name: lab1-mgmt\naggregate: lab-198-51-100',
    replace: 'name: lab1-mgmt\naggregate: lab-10',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: 'lab-10',
  },
  {
    name: 'two pools overlapping inside one VRF',
    file: 'network/pools.yaml',
    find: "# Two customers'",
    replace: "kind: IPPool\nname: acme-private-dmz\nvrf: acme-private\ndatacenter: lab1\ncidr: 10.20.0.128/25\n---\n# Two customers'",
    code: 'INV_RULE_POOL_OVERLAP',
    at: '10.20.0.0/24',
    nth: 1, // the first is in the comment above the VRFs
  },
  {
    name: 'an address held twice inside one VRF (once in each of two VRFs is legal)',
    file: 'network/devices.yaml',
    find: 'vrf: globex-private}',
    replace: 'vrf: acme-private}',
    code: 'INV_RULE_IP_DUPLICATE',
    atFile: 'network/pools.yaml',
    at: '10.20.0.2',
    nth: 1, // the first is in the comment above the VRFs
  },
  {
    name: 'an address in pools of two VRFs whose holder names no vrf',
    file: 'network/devices.yaml',
    find: 'ip: 10.20.0.2, role: other, vrf: globex-private}',
    replace: 'ip: 10.20.0.2, role: other}',
    code: 'INV_RULE_IP_VRF_AMBIGUOUS',
    at: '10.20.0.2',
  },
  {
    name: 'an address outside every pool of the VRF its interface names',
    file: 'vms/acme.yaml',
    find: '    ips: [203.0.113.11]',
    replace: '    vrf: acme-private\n    ips: [203.0.113.11]',
    code: 'INV_RULE_IP_OUTSIDE_POOL',
    at: '203.0.113.11',
  },
  {
    name: 'a held address naming an unknown VRF',
    file: 'network/devices.yaml',
    find: 'vrf: globex-private}',
    replace: 'vrf: globex-privat}',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: 'globex-privat}',
  },
  {
    name: 'a pool in a VRF naming an aggregate of the global table',
    file: 'network/pools.yaml',
    find: 'tenant: acme\naggregate: lab-198-51-100',
    replace: 'tenant: acme\nvrf: acme-private\naggregate: lab-198-51-100',
    code: 'INV_RULE_POOL_OUTSIDE_AGGREGATE',
    at: 'acme-private\naggregate',
  },
  {
    name: 'a pool routed across datacenters naming an unknown one',
    file: 'network/pools.yaml',
    find: 'datacenters: [lab1]',
    replace: 'datacenters: [lab1, lab9]',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: 'lab9',
  },
  {
    name: 'a VRF kept for an unknown tenant',
    file: 'network/pools.yaml',
    find: 'name: acme-private\ntenant: acme',
    replace: 'name: acme-private\ntenant: initech',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: 'initech',
  },
  {
    name: "a switch whose agent answers with an unknown VRF's table",
    file: 'network/switches.yaml',
    find: '  credentials: sw-r02-snmp',
    replace: '  credentials: sw-r02-snmp\n  vrf: initech-private',
    code: 'INV_RULE_UNKNOWN_REFERENCE',
    at: 'initech-private',
  },
  { name: 'an unknown field with a suggestion', file: 'vms/acme.yaml', find: 'vcpus: 4', replace: 'vcpu: 4', code: 'INV_SCHEMA_UNKNOWN_FIELD', at: 'vcpu: 4' },
];

for (const c of cases) {
  test(`rule: ${c.name} -> ${c.code}`, () => {
    const texts = labWith(c.file, c.find, c.replace);
    const { diagnostics } = validateInventory(snapshotOf(texts));
    const edited = texts.get(c.atFile ?? c.file)!;
    let offset = edited.indexOf(c.at);
    for (let i = 0; i < (c.nth ?? 0); i++) offset = edited.indexOf(c.at, offset + 1);
    const position = positionOfMarker(edited.slice(offset), c.at);
    position.line += edited.slice(0, offset).split('\n').length - 1;
    if (position.line > 1 && edited.slice(0, offset).includes('\n')) position.col = offset - edited.lastIndexOf('\n', offset - 1);
    const found = diagnostics.find((d) => d.code === c.code);
    assert.ok(found, `expected ${c.code}; got:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
    assert.equal(found.severity, c.severity ?? 'error');
    assert.equal(found.subject?.file, c.atFile ?? c.file);
    assert.deepEqual({ line: found.subject?.start.line, col: found.subject?.start.col }, position, formatDiagnostic(found));
    // The mistake is the only thing reported (one mistake, one diagnostic) — except the duplicate
    // name, whose second VM also duplicates the first one's MAC and addresses.
    // A document its schema error leaves nothing to check of adds the one notice that the rules skipped it.
    if (c.code !== 'INV_RULE_DUPLICATE_NAME' && c.code !== 'INV_RULE_SINGLETON') {
      assert.equal(diagnostics.filter((d) => d.code !== 'INV_RULES_SKIPPED').length, 1, diagnostics.map(formatDiagnostic).join('\n'));
    }
  });
}

test('all errors are reported at once, sorted by file and position', () => {
  const texts = labWith('vms/acme.yaml', 'tenant: acme\nhypervisor: hv-02', 'tenant: nobody\nhypervisor: hv-02');
  const acme = texts.get('vms/acme.yaml')!.replace('ips: [203.0.113.12]', 'ips: [203.0.113.1]');
  texts.set('vms/acme.yaml', acme);
  texts.set('backups.yaml', texts.get('backups.yaml')!.replace('host: backup-01', 'host: nobody'));
  const { diagnostics } = validateInventory(snapshotOf(texts));
  const line = (file: string, marker: string) => `${file}:${positionOfMarker(texts.get(file)!, marker).line}`;
  assert.deepEqual(
    diagnostics.map((d) => `${d.subject?.file}:${d.subject?.start.line} ${d.code}`),
    [
      `${line('backups.yaml', 'host: nobody')} INV_RULE_UNKNOWN_REFERENCE`,
      `${line('vms/acme.yaml', 'tenant: nobody')} INV_RULE_UNKNOWN_REFERENCE`,
      `${line('vms/acme.yaml', '203.0.113.1]')} INV_RULE_IP_GATEWAY`,
    ],
  );
});

test('the duplicate-address error names both places', () => {
  const texts = labWith('vms/globex.yaml', 'ips: [203.0.113.21]', 'ips: [203.0.113.10]');
  const { diagnostics } = validateInventory(snapshotOf(texts));
  const acme = positionOfMarker(texts.get('vms/acme.yaml')!, '203.0.113.10');
  assert.match(diagnostics[0]!.summary, new RegExp(`held by vm/acme-web-01/eth0 \\(vms/acme\\.yaml:${acme.line}:${acme.col}\\)`));
});

test('a duplicate MAC and a port cabled twice name the first holder and where it was written', () => {
  const macTexts = labWith('vms/globex.yaml', 'mac: 52:54:00:b0:00:02', 'mac: 5254.00A0.0001');
  const mac = validateInventory(snapshotOf(macTexts)).diagnostics.find((d) => d.code === 'INV_RULE_MAC_DUPLICATE')!;
  const first = positionOfMarker(macTexts.get('vms/acme.yaml')!, '52:54:00:a0:00:01');
  assert.equal(mac.summary, `MAC 52:54:00:a0:00:01 is already used by vm/acme-web-01/eth0 (vms/acme.yaml:${first.line}:${first.col})`);
  const portTexts = labWith('servers/hypervisors.yaml', 'port: "17"', 'port: "18"');
  const port = validateInventory(snapshotOf(portTexts)).diagnostics.find((d) => d.code === 'INV_RULE_PORT_CABLED_TWICE')!;
  const cabled = positionOfMarker(portTexts.get('servers/backup-01.yaml')!, '{switch: sw-r02, port: "18"}');
  assert.equal(port.summary, `port "18" of switch "sw-r02" is already cabled to server/backup-01/eno1 (servers/backup-01.yaml:${cabled.line}:${cabled.col})`);
  // Two uplinks from one port, and two to one port of the far switch: the first uplink is named by its
  // near end, then by its far one.
  const uplinkTexts = labWith(
    'network/switches.yaml',
    /(uplinks:\n  - port: "16"\n    to: \{switch: sw-r01, port: Gi1\/0\/12\})/,
    '$1\n  - port: "16"\n    to: {switch: sw-r01, port: Gi1/0/13}\n  - port: "15"\n    to: {switch: sw-r01, port: Gi1/0/12}',
  );
  const switches = uplinkTexts.get('network/switches.yaml')!;
  const nearEnd = positionOfMarker(switches, '"16"\n    to: {switch: sw-r01, port: Gi1/0/12}');
  const farEnd = positionOfMarker(switches, '{switch: sw-r01, port: Gi1/0/12}');
  assert.deepEqual(
    validateInventory(snapshotOf(uplinkTexts))
      .diagnostics.filter((d) => d.code === 'INV_RULE_PORT_CABLED_TWICE')
      .map((d) => d.summary),
    [
      `port "16" of switch "sw-r02" is already cabled to switch/sw-r02 uplink to sw-r01/Gi1/0/12 (network/switches.yaml:${nearEnd.line}:${nearEnd.col})`,
      `port "Gi1/0/12" of switch "sw-r01" is already cabled to switch/sw-r02/16 (network/switches.yaml:${farEnd.line}:${farEnd.col})`,
    ],
  );
});

// Attacks of a branch under review on what pytin derives or where it keeps its state.

test("attack: a VM whose <vm>-<disk> volume is another tenant's disk is refused at its disk name", () => {
  // globex's VM "acme" with disk "db-01-root" would be the volume acme-db-01-root: acme-db-01's root
  // disk. Deleting globex's VM would delete acme's database disk.
  const texts = labWith('vms/globex.yaml', /name: globex-cache-01([\s\S]*?)\{name: root, size: 10GiB\}/, 'name: acme$1{name: db-01-root, size: 10GiB}');
  const { diagnostics } = validateInventory(snapshotOf(texts));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(
    errors.map((d) => d.code),
    ['INV_RULE_DERIVED_NAME_COLLISION'],
  );
  const at = positionOfMarker(texts.get('vms/globex.yaml')!, 'db-01-root');
  assert.deepEqual([errors[0]!.subject?.file, errors[0]!.subject?.start.line, errors[0]!.subject?.start.col], ['vms/globex.yaml', at.line, at.col]);
  assert.match(errors[0]!.summary, /volume default\/acme-db-01-root, which is already the volume of vm\/acme-db-01 \(vms\/acme\.yaml:\d+:\d+\)/);
});

test('the same disk name in two VMs, or a collision in another pool, is no collision', () => {
  const otherPool = labWith(
    'vms/globex.yaml',
    /name: globex-cache-01([\s\S]*?)\{name: root, size: 10GiB\}/,
    'name: acme$1{name: db-01-root, size: 10GiB, pool: ssd}',
  );
  assert.deepEqual(
    validateInventory(snapshotOf(otherPool)).diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
});

test('attack: two backup policies that would share one cron.d file are refused', () => {
  const policy = (name: string) => `---\nkind: BackupPolicy\nname: ${name}\nhost: backup-01\nsource: /srv/db\ntarget: /var/tmp/pytin-lab/backups/${name}\n`;
  const texts = labWith('backups.yaml', 'exclude: ["*.tmp", ".cache/"]\n', `exclude: ["*.tmp", ".cache/"]\n${policy('db_main')}${policy('db.main')}`);
  const { diagnostics } = validateInventory(snapshotOf(texts));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(
    errors.map((d) => d.code),
    ['INV_RULE_DERIVED_NAME_COLLISION'],
  );
  assert.match(errors[0]!.summary, /backup\/db\.main would install its schedule as pytin-backup-db_main, which is already the schedule of backup\/db_main/);
  assert.equal(errors[0]!.subject?.start.line, positionOfMarker(texts.get('backups.yaml')!, 'db.main').line);
});

test("attack: a Store document choosing the store's path (under .trusted/, under /proc) is refused at the path", () => {
  for (const path of ['.trusted/store.sqlite', '/proc/self/mem']) {
    const texts = labWith('settings.yaml', 'lastSeenWarningDays: 31', `path: ${path}\nlastSeenWarningDays: 31`);
    const { diagnostics } = validateInventory(snapshotOf(texts));
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['INV_RULE_OPERATOR_SETTING'],
      path,
    );
    const at = positionOfMarker(texts.get('settings.yaml')!, path);
    assert.deepEqual([diagnostics[0]!.subject?.start.line, diagnostics[0]!.subject?.start.col], [at.line, at.col]);
  }
});
