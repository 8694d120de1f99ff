import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { observeDevice } from '../../../../reconciler/observe/snmp/observe-device.js';
import type { SnmpTarget } from '../../../../reconciler/transports/snmp/snmp-target.js';
import { freeUdpPort, makeTempDir } from '../../../lab/daemon.js';
import { addNeighbours, createNetns, manyIpv4Neighbours, type Netns } from '../../../lab/netns.js';
import { craftedTable, type Snmpd, startSnmpd } from '../../../lab/snmpd.js';

const MEDIA = '1.3.6.1.2.1.4.22.1';

/** A real snmpd whose ipNetToMediaTable is served by a crafted pass_persist handler. Without its
 * `ip` module snmpd's own ipNetToMediaTable is gone, so every row of that table is crafted (the
 * host's real ipNetToPhysicalTable rows may still appear: tests look at ipNetToMedia rows only). */
async function craftedAgent(rows: { oid: string; type: string; value: string }[], wrap: boolean): Promise<{ target: SnmpTarget; stop(): Promise<void> }> {
  const temp = await makeTempDir('snmp-faults');
  try {
    const handler = await craftedTable(temp.path, `.${MEDIA}`, rows, { wrap });
    const snmpd = await startSnmpd({ port: await freeUdpPort(), community: 'crafted', passPersist: [handler], disableModules: ['ip'] });
    return {
      target: { version: '2c', host: snmpd.host, port: snmpd.port, community: 'crafted', timeoutMs: 5000, retries: 2 },
      stop: async () => {
        await snmpd.stop();
        await temp.remove();
      },
    };
  } catch (error) {
    await temp.remove();
    throw error;
  }
}

describe('a real snmpd serving crafted broken rows (pass_persist)', () => {
  test('a table whose OIDs stop increasing ends the walk with a diagnostic instead of looping', async (t) => {
    // After the last row the agent answers the first one again, forever.
    const agent = await craftedAgent(
      [1, 2, 3].map((n) => ({ oid: `${MEDIA}.2.7.10.0.0.${n}`, type: 'octet', value: `52 54 00 00 00 0${n}` })),
      true,
    );
    t.after(() => agent.stop());
    const started = Date.now();
    const facts = await observeDevice(agent.target, { budgetMs: 60_000 });
    // The walk stops at the loop, not at the 60 s budget (a busy machine may be slow, never that slow).
    assert.ok(Date.now() - started < 50_000, 'bounded by the loop, not the budget');
    const loop = facts.diagnostics.find((d) => d.code === 'OBS_SNMP_OID_NOT_INCREASING');
    assert.ok(loop, JSON.stringify(facts.diagnostics));
    assert.match(
      loop.summary,
      /ipNetToMediaPhysAddress: the agent answered 1\.3\.6\.1\.2\.1\.4\.22\.1\.2\.7\.10\.0\.0\.1 after 1\.3\.6\.1\.2\.1\.4\.22\.1\.2\.7\.10\.0\.0\.3/,
    );
    assert.equal(facts.completeness.arp, 'partial', 'rows before the fault are not presented as the whole table');
    const media = facts.arp
      .filter((a) => a.table === 'ipNetToMedia')
      .map((a) => a.ip)
      .sort();
    assert.deepEqual(media, ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    // The walk went on with the next tables: the agent itself still answers.
    assert.equal(facts.completeness.interfaces, 'complete');
    assert.equal(facts.completeness.lldp, 'complete');
  });

  test('rows whose MAC is not 6 bytes get a diagnostic each, the other rows are kept', async (t) => {
    const macs = [
      { n: 1, value: '52 54 00 aa 00 01' },
      { n: 2, value: '52 54 00 aa 00' },
      { n: 3, value: '52 54 00 aa 00 03 ff' },
      { n: 4, value: '52 54 00 aa 00 04' },
    ];
    const agent = await craftedAgent(
      macs.map(({ n, value }) => ({ oid: `${MEDIA}.2.7.10.1.0.${n}`, type: 'octet', value })),
      false,
    );
    t.after(() => agent.stop());
    const facts = await observeDevice(agent.target);
    assert.equal(facts.completeness.arp, 'complete', 'the table itself was read to its end');
    const media = facts.arp.filter((a) => a.table === 'ipNetToMedia');
    assert.deepEqual(media.map((a) => `${a.ifIndex} ${a.ip} ${a.mac}`).sort(), ['7 10.1.0.1 52:54:00:aa:00:01', '7 10.1.0.4 52:54:00:aa:00:04']);
    const bad = facts.diagnostics.filter((d) => d.code === 'OBS_SNMP_BAD_MAC' && d.summary.startsWith('ipNetToMediaTable'));
    assert.equal(bad.length, 2, JSON.stringify(facts.diagnostics));
    assert.match(bad.map((d) => d.summary).join('\n'), /row 7\.10\.1\.0\.2: the MAC is 5 bytes/);
    assert.match(bad.map((d) => d.summary).join('\n'), /row 7\.10\.1\.0\.3: the MAC is 7 bytes/);
    assert.ok(bad.every((d) => d.severity === 'warning'));
  });
});

describe('the agent stopped in the middle of a big walk', () => {
  let netns: Netns;
  let snmpd: Snmpd;
  before(async () => {
    netns = await createNetns();
    await addNeighbours(netns, manyIpv4Neighbours(10_000));
    snmpd = await startSnmpd({ netns, port: 1161, community: 'doomed' });
  });
  after(async () => {
    await snmpd?.stop();
    await netns?.remove();
  });

  test('ends with a clear error after the timeout and marks the data partial, not complete', async () => {
    let killedAt = 0;
    const facts = await observeDevice(
      // Generous, so no request before the kill times out on a busy machine; the test then
      // waits the two attempts out after the kill.
      { version: '2c', host: snmpd.host, port: snmpd.port, community: 'doomed', timeoutMs: 3000, retries: 1, maxRepetitions: 10 },
      {
        onProgress: (column, rows) => {
          if (column === 'ipNetToPhysicalPhysAddress' && rows >= 2000 && killedAt === 0) {
            killedAt = Date.now();
            snmpd.daemon.process.kill('SIGKILL'); // by its PID: the process this test started
          }
        },
      },
    );
    assert.ok(killedAt > 0, 'the agent was killed during the walk');
    const waited = Date.now() - killedAt;
    assert.ok(waited >= 6000 && waited < 120_000, `gave up ${waited} ms after the kill`);
    assert.equal(facts.completeness.system, 'complete');
    assert.equal(facts.completeness.interfaces, 'complete');
    assert.equal(facts.completeness.arp, 'partial');
    assert.equal(facts.completeness.fdb, 'not-walked');
    assert.equal(facts.completeness.lldp, 'not-walked');
    assert.ok(facts.arp.length >= 2000 && facts.arp.length < 10_000, `${facts.arp.length} rows kept`);
    const interrupted = facts.diagnostics.find((d) => d.code === 'OBS_SNMP_WALK_INTERRUPTED');
    assert.ok(interrupted, JSON.stringify(facts.diagnostics));
    assert.equal(interrupted.severity, 'error');
    assert.match(interrupted.summary, /ipNetToPhysicalPhysAddress: the walk stopped after \d+ rows: no answer .* the table is incomplete/);
    assert.ok(facts.diagnostics.some((d) => d.code === 'OBS_SNMP_NOT_WALKED'));
  });
});
