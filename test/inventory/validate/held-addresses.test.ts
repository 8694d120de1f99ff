import assert from 'node:assert/strict';
import { test } from 'node:test';

import { planAllocation } from '../../../inventory/allocate/allocate.js';
import { formatDiagnostic } from '../../../inventory/core/diagnostic.js';
import { connectionSettingsOf } from '../../../inventory/model/connection-settings.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { labTexts, labWith, snapshotOf } from '../../support/lab-inventory.js';

test("a switch's SNMP endpoint naming its held management address is reached at that address", () => {
  const texts = labWith('network/switches.yaml', 'host: 127.0.0.1\n  port: 16101', 'address: mgmt\n  port: 16101');
  const { diagnostics, state } = validateInventory(snapshotOf(texts));
  assert.deepEqual(diagnostics.map(formatDiagnostic), []);
  // 198.51.100.2 is what examples/lab/network/switches.yaml gives sw-r01 as mgmt.
  assert.equal(connectionSettingsOf(state).switches.get('sw-r01')?.snmp?.host, '198.51.100.2');
  assert.equal(state.ipHoldings.get('198.51.100.2')?.holder, 'switch/sw-r01/mgmt');
});

test('allocate never hands out an address of a subnet routed whole to a customer', () => {
  const result = planAllocation(snapshotOf(labTexts()), { pool: 'acme-routed', count: 1, to: 'server/ded-01' });
  assert.ok('diagnostics' in result);
  assert.deepEqual(
    result.diagnostics.map((d) => d.code),
    ['INV_ALLOC_ROUTED_POOL'],
  );
});

test('allocate skips the addresses switches and PDUs hold: the lowest free management address follows them', () => {
  // lab1-mgmt: .1 gateway, .2 and .3 the switches, .4 the PDU, .10-.12 the servers (examples/lab).
  const result = planAllocation(snapshotOf(labTexts()), { pool: 'lab1-mgmt', count: 2, to: 'server/hv-01' });
  assert.ok('addresses' in result, JSON.stringify(result));
  assert.deepEqual(result.addresses, ['198.51.100.5', '198.51.100.6']);
});
