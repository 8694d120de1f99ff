import assert from 'node:assert/strict';
import { test } from 'node:test';

import { connectionSettingsOf } from '../../../inventory/model/connection-settings.js';
import { DEFAULT_ALLOWED_ENV, DEFAULT_MAX_SECRET_FILE_BYTES } from '../../../inventory/secrets/secret-policy.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { snmpTargets } from '../../../reconciler/session/snmp-targets.js';
import { labWith, snapshotOf } from '../../support/lab-inventory.js';

test('SnmpCredentials version v1 makes an SNMPv1 target with its community (an old device)', () => {
  const texts = labWith('settings.yaml', 'name: sw-r02-snmp\nversion: v2c', 'name: sw-r02-snmp\nversion: v1');
  const { state, diagnostics } = validateInventory(snapshotOf(texts));
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const env = { PYTIN_SECRET_SW_R01_COMMUNITY: 'c1', PYTIN_SECRET_SW_R02_COMMUNITY: 'c2' };
  const { devices } = snmpTargets(connectionSettingsOf(state), {
    env,
    allowedEnv: DEFAULT_ALLOWED_ENV,
    dir: '/nonexistent',
    maxFileBytes: DEFAULT_MAX_SECRET_FILE_BYTES,
    destinations: [],
  });
  const byName = new Map(devices.map((d) => [d.name, d.target]));
  assert.deepEqual([byName.get('sw-r01')?.version, byName.get('sw-r02')?.version], ['2c', '1']);
  const r02 = byName.get('sw-r02');
  assert.equal(r02?.version === '1' ? r02.community : undefined, 'c2');
});

test('a v1 credential without a community is refused at validation, as for v2c', () => {
  const texts = labWith('settings.yaml', 'name: sw-r02-snmp\nversion: v2c\ncommunity: {env: PYTIN_SECRET_SW_R02_COMMUNITY}', 'name: sw-r02-snmp\nversion: v1');
  const errors = validateInventory(snapshotOf(texts)).diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0]!.summary, /community/);
});

test("a switch's vlanCommunityIndexing (trusted connection settings) reaches its SNMP target; absent, it is off", () => {
  const texts = labWith('network/switches.yaml', '  credentials: sw-r01-snmp\n', '  credentials: sw-r01-snmp\n  vlanCommunityIndexing: true\n');
  const { state, diagnostics } = validateInventory(snapshotOf(texts));
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const { devices } = snmpTargets(connectionSettingsOf(state), {
    env: { PYTIN_SECRET_SW_R01_COMMUNITY: 'c1', PYTIN_SECRET_SW_R02_COMMUNITY: 'c2' },
    allowedEnv: DEFAULT_ALLOWED_ENV,
    dir: '/nonexistent',
    maxFileBytes: DEFAULT_MAX_SECRET_FILE_BYTES,
    destinations: [],
  });
  const indexing = (name: string) => {
    const target = devices.find((d) => d.name === name)?.target;
    return target?.version === '3' ? undefined : (target?.vlanCommunityIndexing ?? false);
  };
  assert.deepEqual([indexing('sw-r01'), indexing('sw-r02')], [true, false]);
});
