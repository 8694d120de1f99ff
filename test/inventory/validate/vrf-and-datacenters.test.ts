import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkAllocation, planAllocation } from '../../../inventory/allocate/allocate.js';
import { formatDiagnostic } from '../../../inventory/core/diagnostic.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { labTexts, labWith, positionOfMarker, snapshotOf } from '../../support/lab-inventory.js';

test('the lab holds 10.20.0.2 twice, once in each VRF, and its two private pools overlap legally', () => {
  const { state, diagnostics } = validateInventory(snapshotOf(labTexts()));
  assert.deepEqual(diagnostics.map(formatDiagnostic), []);
  const acme = state.ipHoldings.get('10.20.0.2%acme-private');
  const globex = state.ipHoldings.get('10.20.0.2%globex-private');
  assert.deepEqual([acme?.holder, acme?.pool, acme?.vrf], ['pool/acme-private-lan/reservation', 'acme-private-lan', 'acme-private']);
  assert.deepEqual([globex?.holder, globex?.pool, globex?.vrf], ['device/globex-fw-01/inside', 'globex-private-lan', 'globex-private']);
  // The global table does not hold it: a key without a VRF is another address.
  assert.equal(state.ipHoldings.get('10.20.0.2'), undefined);
});

test('an address left without a vrf is placed in the one VRF whose pool contains it', () => {
  // Only globex's VRF has a pool containing 10.20.1.5 once its pool is widened; no vrf needed on the holder.
  const texts = labWith(
    'network/pools.yaml',
    'datacenters: [lab1]   # a list: a pool routed across several datacenters names each\ncidr: 10.20.0.0/24',
    'datacenters: [lab1]\ncidr: 10.20.0.0/23',
  );
  texts.set(
    'network/devices.yaml',
    texts.get('network/devices.yaml')!.replace('ip: 10.20.0.2, role: other, vrf: globex-private}', 'ip: 10.20.1.5, role: other}'),
  );
  const { state, diagnostics } = validateInventory(snapshotOf(texts));
  assert.deepEqual(diagnostics.map(formatDiagnostic), []);
  assert.equal(state.ipHoldings.get('10.20.1.5%globex-private')?.holder, 'device/globex-fw-01/inside');
});

test('a pool may not set both datacenter and datacenters (schema error at the pool)', () => {
  const texts = labWith('network/pools.yaml', 'datacenters: [lab1]', 'datacenter: lab1\ndatacenters: [lab1]');
  const { diagnostics } = validateInventory(snapshotOf(texts));
  const found = diagnostics.find((d) => d.code === 'INV_SCHEMA_INVALID');
  assert.ok(found, diagnostics.map(formatDiagnostic).join('\n'));
  assert.match(found.summary, /sets "datacenter" and "datacenters"; set at most one/);
  const text = texts.get('network/pools.yaml')!;
  const documentStart = text.lastIndexOf('---\n', text.indexOf('name: globex-private-lan')) + 4;
  assert.equal(found.subject?.start.line, text.slice(0, documentStart).split('\n').length);
});

/** The lab with a second datacenter, lab2, holding one server whose interface holds `ip`. */
function labWithSecondDatacenter(ip: string): Map<string, string> {
  const texts = labTexts();
  texts.set(
    'lab2.yaml',
    [
      'kind: Datacenter\nname: lab2',
      'kind: Rack\nname: lab2-r01\ndatacenter: lab2\nunits: 42',
      `kind: Server\nname: edge-01\nplacement: {rack: lab2-r01, position: 1, height: 1}\ninterfaces:\n  - name: eno1\n    ips: [${ip}]`,
    ].join('\n---\n') + '\n',
  );
  return texts;
}

test('a pool routed across several datacenters (datacenters: [...]) serves holders in each; a pool of one does not', () => {
  const routedInBoth = labWithSecondDatacenter('203.0.113.60');
  routedInBoth.set(
    'network/pools.yaml',
    routedInBoth
      .get('network/pools.yaml')!
      .replace(
        'name: lab1-public\ndescription: Public IPv4 addresses of the guests\ndatacenter: lab1',
        'name: lab1-public\ndescription: Public IPv4 addresses of the guests\ndatacenters: [lab1, lab2]',
      ),
  );
  assert.deepEqual(validateInventory(snapshotOf(routedInBoth)).diagnostics.map(formatDiagnostic), []);

  const routedInOne = labWithSecondDatacenter('203.0.113.60');
  const { diagnostics } = validateInventory(snapshotOf(routedInOne));
  assert.deepEqual(
    diagnostics.map((d) => `${d.code} ${d.subject?.file}:${d.subject?.start.line}:${d.subject?.start.col}`),
    [
      `INV_RULE_IP_OUTSIDE_POOL lab2.yaml:${positionOfMarker(routedInOne.get('lab2.yaml')!, '203.0.113.60').line}:${positionOfMarker(routedInOne.get('lab2.yaml')!, '203.0.113.60').col}`,
    ],
  );
  assert.match(diagnostics[0]!.summary, /not in any pool of datacenter "lab2" \(it is in pool "lab1-public" of datacenter "lab1"\)/);
});

test('a pool naming no datacenter is routed in any', () => {
  const texts = labWithSecondDatacenter('203.0.113.60');
  texts.set(
    'network/pools.yaml',
    texts
      .get('network/pools.yaml')!
      .replace(
        'name: lab1-public\ndescription: Public IPv4 addresses of the guests\ndatacenter: lab1\n',
        'name: lab1-public\ndescription: Public IPv4 addresses of the guests\n',
      ),
  );
  assert.deepEqual(validateInventory(snapshotOf(texts)).diagnostics.map(formatDiagnostic), []);
});

test('allocate hands out an address held in another VRF, and never one held in its own', () => {
  // Without acme's reservation, 10.20.0.2 is free in acme's VRF although globex holds it in its own.
  const texts = labWith('network/pools.yaml', "reservations:\n  - {ip: 10.20.0.2, tenant: acme, note: acme's VPN concentrator}\n", '');
  texts.set('vms/acme.yaml', texts.get('vms/acme.yaml')!.replace('    ips: [203.0.113.11]\n', '    vrf: acme-private\n'));
  const snapshot = snapshotOf(texts);
  const acme = planAllocation(snapshot, { pool: 'acme-private-lan', count: 1, to: 'vm/acme-web-02' });
  assert.ok('addresses' in acme, JSON.stringify(acme));
  assert.deepEqual(acme.addresses, ['10.20.0.2']);
  assert.deepEqual(checkAllocation(snapshot, acme), []);

  const globexTexts = labTexts();
  globexTexts.set('vms/globex.yaml', globexTexts.get('vms/globex.yaml')!.replace('    ips: [203.0.113.21]\n', '    vrf: globex-private\n'));
  const globex = planAllocation(snapshotOf(globexTexts), { pool: 'globex-private-lan', count: 1, to: 'vm/globex-app-02' });
  assert.ok('addresses' in globex, JSON.stringify(globex));
  assert.deepEqual(globex.addresses, ['10.20.0.3']); // .1 the gateway, .2 globex's firewall
});

test("allocate refuses a VRF's pool for an interface of the global table (INV_ALLOC_WRONG_VRF)", () => {
  const refused = planAllocation(snapshotOf(labTexts()), { pool: 'acme-private-lan', count: 1, to: 'vm/acme-web-02' });
  assert.ok('diagnostics' in refused);
  assert.deepEqual(
    refused.diagnostics.map((d) => `${d.code}: ${d.summary}`),
    ['INV_ALLOC_WRONG_VRF: pool "acme-private-lan" is in vrf "acme-private", but vm/acme-web-02/eth0 is in the global table'],
  );
});

test('allocate hands a holder in any datacenter a pool is routed in its addresses, and refuses one elsewhere', () => {
  const texts = labWithSecondDatacenter('203.0.113.60');
  texts.set(
    'network/pools.yaml',
    texts
      .get('network/pools.yaml')!
      .replace(
        'name: lab1-public\ndescription: Public IPv4 addresses of the guests\ndatacenter: lab1',
        'name: lab1-public\ndescription: Public IPv4 addresses of the guests\ndatacenters: [lab1, lab2]',
      ),
  );
  const snapshot = snapshotOf(texts);
  const granted = planAllocation(snapshot, { pool: 'lab1-public', count: 1, to: 'server/edge-01' });
  assert.ok('addresses' in granted, JSON.stringify(granted));
  assert.deepEqual(checkAllocation(snapshot, granted), []);
  const refused = planAllocation(snapshot, { pool: 'lab1-mgmt', count: 1, to: 'server/edge-01' });
  assert.ok('diagnostics' in refused);
  assert.deepEqual(
    refused.diagnostics.map((d) => `${d.code}: ${d.summary}`),
    ['INV_ALLOC_WRONG_DATACENTER: pool "lab1-mgmt" is routed in datacenter "lab1", but server/edge-01 is in "lab2"'],
  );
});

test("an address without a vrf that a VRF's pool and a global pool both contain is the global table's", () => {
  // acme's VRF reuses the public /24 (legal across tables); the guests' addresses stay in the global table.
  const texts = labWith(
    'network/pools.yaml',
    '# Two customers',
    'kind: IPPool\nname: acme-shadow\nvrf: acme-private\ncidr: 203.0.113.0/24\n---\n# Two customers',
  );
  const { state, diagnostics } = validateInventory(snapshotOf(texts));
  assert.deepEqual(diagnostics.map(formatDiagnostic), []);
  assert.equal(state.ipHoldings.get('203.0.113.10')?.pool, 'lab1-public');
  assert.equal(state.ipHoldings.get('203.0.113.10%acme-private'), undefined);
});
