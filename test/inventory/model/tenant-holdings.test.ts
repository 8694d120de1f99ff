import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tenantHoldings } from '../../../inventory/model/tenant-holdings.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { labTexts, snapshotOf } from '../../support/lab-inventory.js';

const { state, diagnostics } = validateInventory(snapshotOf(labTexts()));

test('the lab is valid (the holdings are read from a valid inventory)', () => {
  assert.deepEqual(diagnostics, []);
});

test("acme's holdings: its dedicated server with its address, its VMs, the /29 routed to that server, its private network in its VRF, its limit on the shared host", () => {
  const acme = tenantHoldings(state, 'acme');
  // Expected values written from examples/lab/*.yaml by hand.
  assert.deepEqual(acme.servers, ['server/ded-01']);
  assert.deepEqual(acme.vms, ['vm/acme-db-01', 'vm/acme-web-01', 'vm/acme-web-02']);
  assert.deepEqual(acme.networks, [
    { pool: 'pool/acme-private-lan', cidr: '10.20.0.0/24', vrf: 'acme-private', routedTo: null },
    { pool: 'pool/acme-routed', cidr: '198.51.100.248/29', vrf: null, routedTo: 'server/ded-01' },
  ]);
  assert.deepEqual(acme.vrfs, ['vrf/acme-private']);
  assert.deepEqual(acme.racks, []);
  assert.deepEqual(acme.rackUnits, []);
  assert.deepEqual(acme.devices, []);
  assert.deepEqual(
    acme.addresses.map((a) => `${a.holder} ${a.ip}${a.vrf === null ? '' : ` in ${a.vrf}`}`),
    [
      'pool/acme-private-lan/reservation 10.20.0.2 in acme-private',
      'server/backup-01/shaping 203.0.113.150',
      'server/ded-01/eno1 203.0.113.50',
      'vm/acme-db-01/eth0 203.0.113.12',
      'vm/acme-web-01/eth0 2001:db8:10::10',
      'vm/acme-web-01/eth0 203.0.113.10',
      'vm/acme-web-02/eth0 203.0.113.11',
    ],
  );
});

test("globex's holdings: its colocation half-rack, its firewall with its address, its reserved address", () => {
  const globex = tenantHoldings(state, 'globex');
  assert.deepEqual(globex.rackUnits, [{ rack: 'rack/lab1-r03', from: 1, to: 21, face: null, reason: 'colocation half-rack' }]);
  assert.deepEqual(globex.devices, ['device/globex-fw-01']);
  assert.deepEqual(globex.servers, []);
  assert.ok(globex.addresses.some((a) => a.holder === 'device/globex-fw-01/outside' && a.ip === '203.0.113.30'));
  assert.ok(globex.addresses.some((a) => a.holder === 'pool/lab1-public/reservation' && a.ip === '203.0.113.200'));
  assert.ok(!globex.addresses.some((a) => a.holder.startsWith('vm/acme')));
  // The same 10.20.0.2 acme holds in its VRF is globex's firewall's inside address in globex's.
  assert.ok(globex.addresses.some((a) => a.holder === 'device/globex-fw-01/inside' && a.ip === '10.20.0.2' && a.vrf === 'globex-private'));
  assert.deepEqual(globex.vrfs, ['vrf/globex-private']);
});

test('a tenant that rents nothing has empty holdings, and a whole rack shows as a rack', () => {
  const texts = labTexts();
  texts.set('datacenter.yaml', texts.get('datacenter.yaml')!.replace('name: lab1-r02\ndatacenter: lab1', 'name: lab1-r02\ntenant: acme\ndatacenter: lab1'));
  const edited = validateInventory(snapshotOf(texts));
  assert.deepEqual(edited.diagnostics, []);
  assert.deepEqual(tenantHoldings(edited.state, 'acme').racks, ['rack/lab1-r02']);
  const nobody = tenantHoldings(state, 'nobody');
  assert.deepEqual(
    [nobody.servers, nobody.vms, nobody.racks, nobody.rackUnits, nobody.devices, nobody.networks, nobody.vrfs, nobody.addresses],
    [[], [], [], [], [], [], [], []],
  );
});
