import assert from 'node:assert/strict';
import { test } from 'node:test';

import { observeDevice } from '../../../../reconciler/observe/snmp/observe-device.js';
import type { SnmpTarget } from '../../../../reconciler/transports/snmp/snmp-target.js';
import { freeUdpPort, makeTempDir } from '../../../lab/daemon.js';
import { craftedTable, type Snmpd, startSnmpd } from '../../../lab/snmpd.js';

// What an agent or the operator's trusted settings can make an observation end with, each from a
// real snmpd: a view that hides the system group, a table longer than the row limit, a budget
// that runs out, a host name that does not resolve. Each test asserts the code and what the
// facts then hold (the rows kept, each section's completeness), which is what the store records.

const MEDIA = '1.3.6.1.2.1.4.22.1';
const SYSTEM_GROUP = '1.3.6.1.2.1.1';

function v2c(snmpd: Snmpd, community: string): SnmpTarget {
  // Generous: these tests are about limits, not about the agent being slow on a busy machine.
  return { version: '2c', host: snmpd.host, port: snmpd.port, community, timeoutMs: 5000, retries: 2 };
}

test('an agent whose view hides the system group gives OBS_SNMP_NO_SYSTEM; the rest is still read', async (t) => {
  const snmpd = await startSnmpd({ port: await freeUdpPort(), community: 'nosystem', excludedSubtrees: [SYSTEM_GROUP] });
  t.after(() => snmpd.stop());
  const facts = await observeDevice(v2c(snmpd, 'nosystem'));
  assert.deepEqual(
    facts.diagnostics.map((d) => [d.severity, d.code]),
    [['warning', 'OBS_SNMP_NO_SYSTEM']],
  );
  assert.match(facts.diagnostics[0]!.summary, /serves none of sysName, sysDescr, sysObjectID, sysUpTime/);
  assert.equal(facts.system, null);
  // The hidden group does not stop the walk: the real interfaces of this machine are read whole.
  assert.ok(
    facts.interfaces.some((i) => i.ifName === 'lo'),
    JSON.stringify(facts.interfaces.map((i) => i.ifName)),
  );
  assert.deepEqual(facts.completeness, { system: 'complete', interfaces: 'complete', arp: 'complete', fdb: 'complete', lldp: 'complete' });
});

test('a table longer than the row limit stops at the limit with OBS_SNMP_ROW_LIMIT and is marked partial', async (t) => {
  const temp = await makeTempDir('walk-limits');
  t.after(() => temp.remove());
  const rows = Array.from({ length: 12 }, (_, i) => ({
    oid: `${MEDIA}.2.7.10.2.0.${i + 1}`,
    type: 'octet',
    value: `52 54 00 bb 00 ${(i + 1).toString(16).padStart(2, '0')}`,
  }));
  const handler = await craftedTable(temp.path, `.${MEDIA}`, rows);
  const snmpd = await startSnmpd({ port: await freeUdpPort(), community: 'long', passPersist: [handler], disableModules: ['ip'] });
  t.after(() => snmpd.stop());

  const facts = await observeDevice({ ...v2c(snmpd, 'long'), maxRepetitions: 4 }, { maxRows: 5 });
  const limit = facts.diagnostics.find((d) => d.code === 'OBS_SNMP_ROW_LIMIT' && d.summary.startsWith('ipNetToMediaPhysAddress'));
  assert.ok(limit, JSON.stringify(facts.diagnostics));
  assert.equal(limit.severity, 'error');
  assert.equal(limit.summary, 'ipNetToMediaPhysAddress: stopped at 5 rows (the limit)');
  // The five rows read are kept, in order; the seven beyond the limit were never asked for.
  assert.deepEqual(
    facts.arp
      .filter((a) => a.table === 'ipNetToMedia')
      .map((a) => a.ip)
      .sort((a, b) => Number(a.split('.')[3]) - Number(b.split('.')[3])),
    ['10.2.0.1', '10.2.0.2', '10.2.0.3', '10.2.0.4', '10.2.0.5'],
  );
  assert.equal(facts.completeness.arp, 'partial', 'a cut table is never presented as the whole one');
  // A limit is not a dead agent: the next tables are still walked.
  assert.notEqual(facts.completeness.lldp, 'not-walked');
});

test('a budget that runs out gives OBS_SNMP_TIME_LIMIT; the tables after it are not walked', async (t) => {
  const snmpd = await startSnmpd({ port: await freeUdpPort(), community: 'budget' });
  t.after(() => snmpd.stop());
  const budgetMs = 100;
  let firstPageAt: number | undefined;
  const facts = await observeDevice(
    { ...v2c(snmpd, 'budget'), maxRepetitions: 1 },
    {
      budgetMs,
      // The budget runs out for sure, on any machine: after the first page the walk does not go
      // on before the budget (counted from before the first page) has passed. Bounded by it.
      onProgress: () => {
        firstPageAt ??= Date.now();
        while (Date.now() <= firstPageAt + budgetMs);
      },
    },
  );
  // The budget ends in the first interface column (before its first request, if the system
  // group alone took longer than the budget): that section is partial, the later ones not walked.
  const limit = facts.diagnostics.find((d) => d.code === 'OBS_SNMP_TIME_LIMIT');
  assert.ok(limit, JSON.stringify(facts.diagnostics));
  assert.match(limit.summary, /^ifName: the observation's time budget ran out after [01] rows$/);
  assert.ok(facts.interfaces.length <= 1, 'the walk did not go on after the budget');
  const notWalked = facts.diagnostics.find((d) => d.code === 'OBS_SNMP_NOT_WALKED');
  assert.ok(notWalked, JSON.stringify(facts.diagnostics));
  assert.match(notWalked.summary, /not walked after the failure above: arp, fdb, lldp/);
  assert.deepEqual(facts.completeness, { system: 'complete', interfaces: 'partial', arp: 'not-walked', fdb: 'not-walked', lldp: 'not-walked' });
  assert.deepEqual([facts.arp, facts.fdb, facts.lldp], [[], [], []]);
});

test('an agent host name that does not resolve is OBS_SNMP_SOCKET_ERROR and nothing is walked', async () => {
  // `.invalid` never resolves (RFC 2606): the trusted settings name a host that does not exist.
  const facts = await observeDevice({ version: '2c', host: 'switch-99.invalid', port: 161, community: 'public', timeoutMs: 5000, retries: 0 });
  assert.deepEqual(
    facts.diagnostics.map((d) => d.code),
    ['OBS_SNMP_SOCKET_ERROR', 'OBS_SNMP_NOT_WALKED'],
  );
  assert.match(facts.diagnostics[0]!.summary, /switch-99\.invalid/);
  assert.equal(facts.system, null);
  assert.deepEqual([facts.interfaces, facts.arp, facts.fdb, facts.lldp], [[], [], [], []]);
  assert.deepEqual(facts.completeness, { system: 'partial', interfaces: 'not-walked', arp: 'not-walked', fdb: 'not-walked', lldp: 'not-walked' });
});
