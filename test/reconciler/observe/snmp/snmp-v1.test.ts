import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { observeDevice } from '../../../../reconciler/observe/snmp/observe-device.js';
import type { SnmpTarget } from '../../../../reconciler/transports/snmp/snmp-target.js';
import { addNeighbours, createNetns, manyIpv4Neighbours, type Netns } from '../../../lab/netns.js';
import { type Snmpd, startSnmpd } from '../../../lab/snmpd.js';

/** An old device: a real snmpd that answers one community over SNMPv1 only (v2c with it gets
 * silence), in a namespace of its own whose neighbour table holds the entries added below. */
const NEIGHBOURS = manyIpv4Neighbours(120);
const V1_COMMUNITY = 'old-device';
const V2C_COMMUNITY = 'lab-community';

let netns: Netns;
let snmpd: Snmpd;

before(async () => {
  netns = await createNetns();
  await addNeighbours(netns, NEIGHBOURS);
  snmpd = await startSnmpd({ netns, port: 1161, community: V2C_COMMUNITY, v1OnlyCommunity: V1_COMMUNITY });
});
after(async () => {
  await snmpd?.stop();
  await netns?.remove();
});

const target = (version: '1' | '2c', community: string, timeoutMs = 5000, retries = 2): SnmpTarget => ({
  version,
  host: snmpd.host,
  port: snmpd.port,
  community,
  timeoutMs,
  retries,
});

describe('SNMPv1 for old devices', () => {
  test('a v1-only agent is walked with GetNext: every section complete, the same neighbours and interfaces as v2c reads', async () => {
    const v1 = await observeDevice(target('1', V1_COMMUNITY));
    assert.deepEqual(
      v1.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.deepEqual(v1.completeness, { system: 'complete', interfaces: 'complete', arp: 'complete', fdb: 'complete', lldp: 'complete' });
    const v2c = await observeDevice(target('2c', V2C_COMMUNITY));
    const neighbours = (facts: typeof v1) => new Set(facts.arp.filter((a) => a.ip.startsWith('10.99.')).map((a) => `${a.ifIndex}|${a.ip}|${a.mac}`));
    assert.deepEqual(neighbours(v1), neighbours(v2c));
    const seen = new Set([...neighbours(v1)].map((k) => k.split('|').slice(1).join('|')));
    assert.deepEqual(
      NEIGHBOURS.filter((n) => !seen.has(`${n.ip}|${n.mac}`)),
      [],
    );
    assert.deepEqual(
      v1.interfaces.map((i) => [i.ifIndex, i.ifName]),
      v2c.interfaces.map((i) => [i.ifIndex, i.ifName]),
    );
    assert.equal(v1.system?.sysObjectID, v2c.system?.sysObjectID);
    // v1 has no Counter64: the agent skips the HC counters, which are then unknown, not zero.
    assert.ok(
      v1.interfaces.every((i) => i.ifHCInOctets === null),
      'no 64-bit counters over v1',
    );
  });

  test('the same community over v2c is silence: the version setting is what makes the old device answer', async () => {
    const facts = await observeDevice(target('2c', V1_COMMUNITY, 300, 0));
    assert.equal(facts.completeness.interfaces, 'not-walked');
    const timeout = facts.diagnostics.find((d) => d.code === 'OBS_SNMP_TIMEOUT');
    assert.match(timeout?.summary ?? '', /\(v2c\) after 300 ms x 1 tries/);
  });
});
