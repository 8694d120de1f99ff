import assert from 'node:assert/strict';
import { test } from 'node:test';

import { connectionSettingsOf } from '../../../../inventory/model/connection-settings.js';
import { validateInventory } from '../../../../inventory/validate/validate-inventory.js';
import { planSecretMacros } from '../../../../reconciler/drivers/zabbix/plan-secret-macros.js';
import type { ObservedZabbixHost, SecretMacroFacts } from '../../../../reconciler/drivers/zabbix/zabbix-facts.js';
import { labTexts, snapshotOf } from '../../../support/lab-inventory.js';

// The secret-macro planner without a Zabbix: the lab's switches against macros and fingerprints
// written here the way observation records them (the plan never sees a value).

const V3_SW_R01 = [
  'kind: SnmpCredentials',
  'name: sw-r01-snmp',
  'version: v3',
  'user: monitor',
  'authKey: {env: PYTIN_SECRET_SW_R01_AUTH}',
  'privKey: {env: PYTIN_SECRET_SW_R01_PRIV}',
].join('\n');

function connections(v3 = false) {
  const texts = labTexts();
  if (v3) {
    const settings = texts.get('settings.yaml')!;
    const edited = settings.replace(/kind: SnmpCredentials\nname: sw-r01-snmp\nversion: v2c\ncommunity: \{env: PYTIN_SECRET_SW_R01_COMMUNITY\}/, V3_SW_R01);
    assert.notEqual(edited, settings);
    texts.set('settings.yaml', edited);
  }
  const result = validateInventory(snapshotOf(texts));
  assert.deepEqual(
    result.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return connectionSettingsOf(result.state);
}

function host(macros: ObservedZabbixHost['macros']): ObservedZabbixHost {
  return {
    hostid: '501',
    host: 'sw-r01',
    name: '',
    owned: true,
    key: 'switch/sw-r01',
    groups: [],
    interfaces: [],
    tags: [],
    inventoryMode: '0',
    inventory: {},
    templates: [],
    macros,
  };
}

const base = { driver: 'zabbix', service: 'lab-zabbix' };
const hosts = [{ key: 'switch/sw-r01', host: 'sw-r01' }];
const summary = (plan: ReturnType<typeof planSecretMacros>) => plan.changes.map((c) => `${c.action} ${c.address} ${(c.fields ?? []).join(',')}`.trim());

test('a same-named macro set by hand as plain text is taken over: updated to the secret type', () => {
  const facts: SecretMacroFacts = {
    current: [{ key: 'switch/sw-r01', macro: '{$SNMP_COMMUNITY}', fingerprint: 'hmac-sha256:aa' }],
    published: [],
    problems: [],
  };
  const observed = new Map([['switch/sw-r01', host([{ hostmacroid: '7', macro: '{$SNMP_COMMUNITY}', type: '0' }])]]);
  const plan = planSecretMacros(hosts, observed, facts, connections(), base);
  assert.deepEqual(summary(plan), ['update zabbix-macro/sw-r01/SNMP_COMMUNITY type,value']);
  assert.deepEqual((plan.changes[0]!.after as { request: { hostmacroid: string; secret: object } }).request.secret, { env: 'PYTIN_SECRET_SW_R01_COMMUNITY' });
});

test('credentials moved to v3: the community macro pytin wrote is deleted, the auth and privacy macros created; a macro of someone else stays', () => {
  const facts: SecretMacroFacts = {
    current: [
      { key: 'switch/sw-r01', macro: '{$SNMPV3_AUTHPASS}', fingerprint: 'hmac-sha256:bb' },
      { key: 'switch/sw-r01', macro: '{$SNMPV3_PRIVPASS}', fingerprint: 'hmac-sha256:cc' },
    ],
    published: [{ key: 'switch/sw-r01', macro: '{$SNMP_COMMUNITY}', fingerprint: 'hmac-sha256:aa' }],
    problems: [],
  };
  const observed = new Map([
    [
      'switch/sw-r01',
      host([
        { hostmacroid: '7', macro: '{$SNMP_COMMUNITY}', type: '1' },
        { hostmacroid: '8', macro: '{$HAND_MADE}', type: '0' },
      ]),
    ],
  ]);
  const plan = planSecretMacros(hosts, observed, facts, connections(true), base);
  assert.deepEqual(summary(plan), [
    'create zabbix-macro/sw-r01/SNMPV3_AUTHPASS',
    'create zabbix-macro/sw-r01/SNMPV3_PRIVPASS',
    'delete zabbix-macro/sw-r01/SNMP_COMMUNITY',
  ]);
});

test('a secret that could not be resolved for this Zabbix plans nothing and is reported as observed', () => {
  const problem = { severity: 'warning' as const, code: 'INV_SECRET_DESTINATION_REFUSED', summary: 'refused', address: 'switch/sw-r01' };
  const facts: SecretMacroFacts = { current: [], published: [], problems: [problem] };
  const plan = planSecretMacros(hosts, new Map([['switch/sw-r01', host([])]]), facts, connections(), base);
  assert.deepEqual(plan.changes, []);
  assert.deepEqual(plan.diagnostics, [problem]);
});

test('facts stored before secret macros were published plan nothing for them', () => {
  assert.deepEqual(planSecretMacros(hosts, new Map(), undefined, connections(), base), { changes: [], diagnostics: [] });
});

test('a macro pytin wrote that an interface kept for its items still names is not deleted', () => {
  const facts: SecretMacroFacts = {
    current: [],
    published: [{ key: 'switch/sw-r01', macro: '{$SNMP_COMMUNITY}', fingerprint: 'hmac-sha256:aa' }],
    problems: [],
  };
  const observed = new Map([['switch/sw-r01', host([{ hostmacroid: '7', macro: '{$SNMP_COMMUNITY}', type: '1' }])]]);
  const v3 = connections(true);
  assert.deepEqual(summary(planSecretMacros(hosts, observed, facts, v3, base)), ['delete zabbix-macro/sw-r01/SNMP_COMMUNITY']);
  assert.deepEqual(summary(planSecretMacros(hosts, observed, facts, v3, base, new Set(['switch/sw-r01\u0000{$SNMP_COMMUNITY}']))), []);
});
