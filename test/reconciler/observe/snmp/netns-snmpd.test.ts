import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { observeDevice } from '../../../../reconciler/observe/snmp/observe-device.js';
import type { SnmpTarget } from '../../../../reconciler/transports/snmp/snmp-target.js';
import { addNeighbours, createNetns, manyIpv4Neighbours, type Netns } from '../../../lab/netns.js';
import { type Snmpd, startSnmpd } from '../../../lab/snmpd.js';

/** A real snmpd inside a namespace of its own, reporting the kernel's neighbour table: the
 * permanent entries added below. */
const BIG_TABLE = 10_000;
const IPV6_NEIGHBOURS = [
  { ip: 'fd00:99::50', mac: '52:54:00:cc:00:50', full: 'fd00:0099:0000:0000:0000:0000:0000:0050' },
  { ip: 'fe80::5054:ff:fecc:51', mac: '52:54:00:cc:00:51', full: 'fe80:0000:0000:0000:5054:00ff:fecc:0051' },
];
const V3_USER = { name: 'pytin-ops', authProtocol: 'SHA', authKey: 'auth-secret-8', privProtocol: 'AES', privKey: 'priv-secret-8' } as const;
const V3_AUTH_ONLY = { name: 'pytin-auth', authProtocol: 'SHA-256', authKey: 'auth-only-secret' } as const;

let netns: Netns;
let snmpd: Snmpd;

before(async () => {
  netns = await createNetns();
  await addNeighbours(netns, [...manyIpv4Neighbours(BIG_TABLE), ...IPV6_NEIGHBOURS]);
  snmpd = await startSnmpd({ netns, port: 1161, community: 'lab-community', v3Users: [V3_USER, V3_AUTH_ONLY] });
});
after(async () => {
  await snmpd?.stop();
  await netns?.remove();
});

const v2c = (): SnmpTarget => ({ version: '2c', host: snmpd.host, port: snmpd.port, community: 'lab-community', timeoutMs: 5000, retries: 2 });

describe('observing a real snmpd in a network namespace', () => {
  test('reads a neighbour table of 10,000 IPv4 rows and the IPv6 neighbours in full form, completely', async () => {
    const facts = await observeDevice(v2c());
    assert.equal(facts.completeness.arp, 'complete');
    assert.deepEqual(
      facts.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const seen = new Set(facts.arp.map((a) => `${a.ip}|${a.mac}`));
    const missing = manyIpv4Neighbours(BIG_TABLE).filter((n) => !seen.has(`${n.ip}|${n.mac}`));
    assert.deepEqual(missing.slice(0, 5), [], `${missing.length} IPv4 neighbours missing`);
    for (const n of IPV6_NEIGHBOURS) assert.ok(seen.has(`${n.full}|${n.mac}`), `IPv6 neighbour ${n.ip} as ${n.full}`);
    const veth = facts.interfaces.find((i) => i.ifName === netns.innerIf);
    assert.ok(veth, 'the veth interface is listed by name');
    assert.ok(
      facts.arp.filter((a) => a.ip.startsWith('10.99.')).every((a) => a.ifIndex === veth.ifIndex),
      'neighbours sit on the veth ifIndex',
    );
    assert.equal(facts.system?.sysObjectID?.startsWith('1.3.6.1.4.1.8072.'), true, 'net-snmp sysObjectID');
  });

  test('SNMPv3 authPriv (SHA + AES) reads the same agent', async () => {
    const facts = await observeDevice({
      version: '3',
      host: snmpd.host,
      port: snmpd.port,
      timeoutMs: 5000,
      retries: 2,
      user: V3_USER.name,
      auth: { protocol: 'sha', key: V3_USER.authKey },
      priv: { protocol: 'aes', key: V3_USER.privKey },
    });
    assert.deepEqual(
      facts.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.equal(facts.completeness.interfaces, 'complete');
    assert.ok(facts.interfaces.some((i) => i.ifName === netns.innerIf));
    assert.ok(facts.arp.some((a) => a.ip === IPV6_NEIGHBOURS[0]?.full));
  });

  test('SNMPv3 authNoPriv (SHA-256) reads the same agent', async () => {
    const facts = await observeDevice({
      version: '3',
      host: snmpd.host,
      port: snmpd.port,
      timeoutMs: 5000,
      retries: 2,
      user: V3_AUTH_ONLY.name,
      auth: { protocol: 'sha256', key: V3_AUTH_ONLY.authKey },
    });
    assert.deepEqual(
      facts.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.equal(facts.completeness.arp, 'complete');
    assert.ok(facts.arp.some((a) => a.ip === IPV6_NEIGHBOURS[1]?.full));
  });

  test('a wrong SNMPv3 privacy key is a timeout error after the timeout, not data', async () => {
    const started = Date.now();
    const facts = await observeDevice({
      version: '3',
      host: snmpd.host,
      port: snmpd.port,
      timeoutMs: 500,
      retries: 0,
      user: V3_USER.name,
      auth: { protocol: 'sha', key: V3_USER.authKey },
      priv: { protocol: 'aes', key: 'not-the-priv-key' },
    });
    // snmpd drops what it cannot decrypt without a report: silence, told apart from data.
    assert.ok(
      facts.diagnostics.some((d) => d.severity === 'error' && d.code === 'OBS_SNMP_TIMEOUT' && /wrong privacy key/.test(d.summary)),
      JSON.stringify(facts.diagnostics),
    );
    assert.ok(Date.now() - started >= 500);
    assert.deepEqual([facts.interfaces.length, facts.arp.length], [0, 0]);
    assert.notEqual(facts.completeness.arp, 'complete');
  });
});
