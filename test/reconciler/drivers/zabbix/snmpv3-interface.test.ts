import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { connectionSettingsOf } from '../../../../inventory/model/connection-settings.js';
import type { ZabbixConnectionSpec } from '../../../../inventory/model/specs.js';
import { validateInventory } from '../../../../inventory/validate/validate-inventory.js';
import { desiredZabbix } from '../../../../reconciler/drivers/zabbix/desired-zabbix.js';
import { labTexts, snapshotOf } from '../../../support/lab-inventory.js';
import { zabbixSettingsYaml } from './zabbix-publish-lab.js';

// Every SNMPv3 protocol the inventory accepts becomes the number Zabbix's own frontend defines for
// it (ITEM_SNMPV3_*PROTOCOL_* in the installed 6.0 frontend's defines.inc.php, the same in 7.0):
// an interface without them is polled with MD5 and DES whatever the switch wants.

const DEFINES = readFileSync('/usr/share/zabbix/include/defines.inc.php', 'utf8');
const defined = (name: string) => {
  const match = new RegExp(`define\\('${name}',\\s*(\\d+)\\)`).exec(DEFINES);
  assert.ok(match, `${name} is not defined by the frontend`);
  return match[1];
};

/** sw-r01's interface details with v3 credentials carrying `protocols` (YAML lines). */
function v3Details(protocols: readonly string[]): Record<string, string> {
  const texts = labTexts();
  texts.set('zabbix.yaml', zabbixSettingsYaml('http://zabbix.lab.invalid/api_jsonrpc.php'));
  const settings = texts.get('settings.yaml')!;
  const v3 = ['version: v3', 'user: monitor', ...protocols, 'authKey: {env: A}', 'privKey: {env: P}'].join('\n');
  const edited = settings.replace('version: v2c\ncommunity: {env: PYTIN_SECRET_SW_R01_COMMUNITY}', v3);
  assert.notEqual(edited, settings);
  texts.set('settings.yaml', edited);
  const result = validateInventory(snapshotOf(texts));
  assert.deepEqual(
    result.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const connection = connectionSettingsOf(result.state).state.resources.get('zabbix/lab-zabbix')!.spec as ZabbixConnectionSpec;
  return desiredZabbix(result.state, connection).hosts.find((h) => h.host === 'sw-r01')!.interfaces[0]!.details!;
}

test('each SNMPv3 auth protocol is published as the frontend numbers it', () => {
  const cases: Array<[string, string]> = [
    ['md5', 'MD5'],
    ['sha', 'SHA1'],
    ['sha224', 'SHA224'],
    ['sha256', 'SHA256'],
    ['sha384', 'SHA384'],
    ['sha512', 'SHA512'],
  ];
  for (const [protocol, zabbix] of cases) {
    assert.equal(v3Details([`authProtocol: ${protocol}`]).authprotocol, defined(`ITEM_SNMPV3_AUTHPROTOCOL_${zabbix}`), protocol);
  }
});

test('each SNMPv3 privacy protocol is published as the frontend numbers it (256-bit AES: Blumenthal is AES256, Reeder is AES256C)', () => {
  const cases: Array<[string, string]> = [
    ['des', 'DES'],
    ['aes', 'AES128'],
    ['aes256b', 'AES256'],
    ['aes256r', 'AES256C'],
  ];
  for (const [protocol, zabbix] of cases) {
    assert.equal(v3Details([`privProtocol: ${protocol}`]).privprotocol, defined(`ITEM_SNMPV3_PRIVPROTOCOL_${zabbix}`), protocol);
  }
});

test("credentials naming no protocol get pytin's own polling defaults (SHA, AES-128), not Zabbix's MD5 and DES", () => {
  const details = v3Details([]);
  assert.deepEqual([details.authprotocol, details.privprotocol], [defined('ITEM_SNMPV3_AUTHPROTOCOL_SHA1'), defined('ITEM_SNMPV3_PRIVPROTOCOL_AES128')]);
  assert.deepEqual([details.securitylevel, details.authpassphrase, details.privpassphrase], ['2', '{$SNMPV3_AUTHPASS}', '{$SNMPV3_PRIVPASS}']);
});
