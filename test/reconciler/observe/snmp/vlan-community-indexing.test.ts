import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { OID } from '../../../../reconciler/observe/snmp/mib-oids.js';
import { observeDevice } from '../../../../reconciler/observe/snmp/observe-device.js';
import type { SnmpTarget } from '../../../../reconciler/transports/snmp/snmp-target.js';
import { makeTempDir } from '../../../lab/daemon.js';
import { fdbRecords, recordingRecords, writeEditedRecording, writeRecording } from '../../../lab/edited-recording.js';
import { snmpFixturesDir } from '../../../lab/snmp-fixtures.js';
import { type Snmpsim, startSnmpsim } from '../../../lab/snmpsim.js';

// A Cisco Catalyst 3750 with community string indexing, served by snmpsim: the recording answers
// the plain community, and each VLAN's context `COMMUNITY@VLAN` is a data file of its own (snmpsim
// serves one file per community). The recording was taken in the default context, so its BRIDGE-MIB
// is VLAN 1's. Its VLAN list (vtpVlanState) is replaced by one the test controls:
//   1, 100, 200 operational; 300 suspended (not walked: no file, a walk would time out);
//   1002 operational but Cisco's legacy FDDI default (not walked either).
// `broken` lists 150 too, whose context does not answer.
const FIXTURES = snmpFixturesDir();
const DOMAIN = 1;
const vlanStates = (vlans: ReadonlyArray<[number, number]>) => vlans.map(([vlan, state]) => `${OID.vtpVlanState}.${DOMAIN}.${vlan}|2|${state}`);
const OPERATIONAL = 1;
const SUSPENDED = 2;
const HV01_MAC = '0c:c4:7a:10:00:01';
const RECORDED_MAC = '00:11:21:e7:f1:17'; // learnt in VLAN 1 of the recording, on bridge port 7

/** A VLAN context's BRIDGE-MIB: bridge ports 1-12 as on the recording, except that this context
 * numbers port 7 as ifIndex 10112 (bridge port numbers are per context on a Cisco). */
function vlanContext(learnt: ReadonlyArray<[string, number]>): string[] {
  const ports = Array.from({ length: 12 }, (_, i) => `${OID.dot1dBasePortIfIndex}.${i + 1}|2|${i === 6 ? 10112 : 10101 + i}`);
  return [...ports, ...learnt.flatMap(([mac, port]) => fdbRecords(mac, port))];
}

let agent: Snmpsim;
let recordedFdb: Array<{ mac: string; ifIndex: number | null }>;

before(async () => {
  const temp = await makeTempDir('vlan-indexing');
  const data = join(temp.path, 'data');
  mkdirSync(data);
  const bridgeMib = (await recordingRecords(FIXTURES, 'cisco-c3750')).filter((r) => r.startsWith('1.3.6.1.2.1.17.'));
  const vtp = '1.3.6.1.4.1.9.9.46.1.3.1.1.2';
  const listed: Array<[number, number]> = [
    [1, OPERATIONAL],
    [100, OPERATIONAL],
    [200, OPERATIONAL],
    [300, SUSPENDED],
    [1002, OPERATIONAL],
  ];
  await writeEditedRecording(FIXTURES, 'cisco-c3750', data, 'c3750', vlanStates(listed), [vtp]);
  await writeEditedRecording(FIXTURES, 'cisco-c3750', data, 'broken', vlanStates([...listed, [150, OPERATIONAL]]), [vtp]);
  for (const community of ['c3750', 'broken']) {
    await writeRecording(data, `${community}@1`, bridgeMib);
    await writeRecording(
      data,
      `${community}@100`,
      vlanContext([
        [HV01_MAC, 5],
        [RECORDED_MAC, 7],
      ]),
    );
    await writeRecording(data, `${community}@200`, vlanContext([]));
  }
  await writeEditedRecording(FIXTURES, 'dlink-des3200', data, 'dlink', []);
  agent = await startSnmpsim(data, ['c3750', 'c3750@1', 'c3750@100', 'c3750@200', 'broken', 'broken@1', 'broken@100', 'broken@200', 'dlink']);
  await temp.remove();
  recordedFdb = (JSON.parse(await readFile(join(FIXTURES, 'cisco-c3750.expected.json'), 'utf8')) as { fdb: typeof recordedFdb }).fdb;
});
after(async () => {
  await agent?.stop();
});

const target = (community: string, timeoutMs = 10_000, retries = 2): SnmpTarget => ({
  version: '2c',
  host: '127.0.0.1',
  port: agent.port,
  community,
  timeoutMs,
  retries,
  vlanCommunityIndexing: true,
});

describe('Cisco per-VLAN forwarding tables (community string indexing)', () => {
  test('each operational VLAN is read through COMMUNITY@VLAN, its MACs tagged with the VLAN and mapped through its own bridge ports', async () => {
    const facts = await observeDevice(target('c3750'));
    assert.deepEqual(
      facts.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning'),
      [],
    );
    assert.equal(facts.completeness.fdb, 'complete');
    const expected = [
      ...recordedFdb.map((r) => `1 ${r.mac} ${r.ifIndex}`),
      `100 ${HV01_MAC} 10105`,
      `100 ${RECORDED_MAC} 10112`, // the same MAC in two VLANs is two entries
    ].sort();
    assert.deepEqual(facts.fdb.map((e) => `${e.vlan} ${e.mac} ${e.ifIndex}`).sort(), expected);
  });

  test('a VLAN context that does not answer: the VLANs before it are kept, the rest are not walked, the table is partial', async () => {
    const facts = await observeDevice(target('broken', 500, 0));
    assert.equal(facts.completeness.fdb, 'partial');
    assert.deepEqual(
      facts.diagnostics.map((d) => d.code),
      ['OBS_SNMP_TIMEOUT', 'OBS_SNMP_NOT_WALKED'],
    );
    assert.match(facts.diagnostics[0]!.summary, /^dot1dBasePortIfIndex@150: no answer from 127\.0\.0\.1:\d+ \(v2c\)/);
    assert.equal(facts.diagnostics[1]!.summary, 'forwarding tables of VLANs 200 not walked after the failure above');
    assert.doesNotMatch(JSON.stringify(facts.diagnostics), /broken@/, 'the community is never in a message');
    assert.deepEqual([...new Set(facts.fdb.map((e) => e.vlan))].sort(), [1, 100]);
    // The rest of the device is still read through the plain community.
    assert.equal(facts.completeness.lldp, 'complete');
  });

  test('a switch without a VTP VLAN list: a warning, and its own forwarding table as usual', async () => {
    const facts = await observeDevice(target('dlink'));
    assert.deepEqual(
      facts.diagnostics.map((d) => d.code),
      ['OBS_SNMP_NO_VLAN_LIST'],
    );
    const expected = (JSON.parse(await readFile(join(FIXTURES, 'dlink-des3200.expected.json'), 'utf8')) as { fdb: unknown[] }).fdb;
    assert.equal(facts.fdb.length, expected.length);
    assert.equal(facts.completeness.fdb, 'complete');
  });
});
