import assert from 'node:assert/strict';
import { test } from 'node:test';

import { recordDeviceWalk } from '../../../../reconciler/store/facts/device-store.js';
import { ipHistory, type IpSighting, recordIpSightings } from '../../../../reconciler/store/facts/ip-history.js';
import { sampleDeviceFacts } from '../fixtures/sample-device-facts.js';
import { tempStore } from '../fixtures/temp-store.js';

const ip = '203.0.113.9';
const seen = (mac: string, port: string, vlan = 10): IpSighting => ({ ip, mac, device: 'r1', port, vlan });

test('the same MAC on the same port only moves last_seen', async (t) => {
  const { store } = await tempStore(t);
  await store.transaction((tx) => recordIpSightings(tx, 'r1', [seen('aa:aa:aa:aa:aa:01', 'ge-0/0/1')], 100));
  await store.transaction((tx) => recordIpSightings(tx, 'r1', [seen('aa:aa:aa:aa:aa:01', 'ge-0/0/1')], 200));
  const rows = await ipHistory(store, ip);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.firstSeen, 100);
  assert.equal(rows[0]!.lastSeen, 200);
});

test('a new MAC, a move to another port and a move back are each a new row; old rows keep their times', async (t) => {
  const { store } = await tempStore(t);
  const walks: [number, IpSighting][] = [
    [100, seen('aa:aa:aa:aa:aa:01', 'ge-0/0/1')],
    [200, seen('aa:aa:aa:aa:aa:02', 'ge-0/0/1')],
    [300, seen('aa:aa:aa:aa:aa:02', 'ge-0/0/7')],
    [400, seen('aa:aa:aa:aa:aa:02', 'ge-0/0/7', 20)],
    [500, seen('aa:aa:aa:aa:aa:01', 'ge-0/0/1')],
    [600, seen('aa:aa:aa:aa:aa:01', 'ge-0/0/1')],
  ];
  for (const [at, s] of walks) await store.transaction((tx) => recordIpSightings(tx, 'r1', [s], at));
  const rows = await ipHistory(store, ip);
  assert.deepEqual(
    rows.map((r) => [r.mac, r.port, r.vlan, r.firstSeen, r.lastSeen]),
    [
      ['aa:aa:aa:aa:aa:01', 'ge-0/0/1', 10, 100, 100],
      ['aa:aa:aa:aa:aa:02', 'ge-0/0/1', 10, 200, 200],
      ['aa:aa:aa:aa:aa:02', 'ge-0/0/7', 10, 300, 300],
      ['aa:aa:aa:aa:aa:02', 'ge-0/0/7', 20, 400, 400],
      ['aa:aa:aa:aa:aa:01', 'ge-0/0/1', 10, 500, 600],
    ],
  );
});

test('an address answering from two MACs at once does not flip-flop into new rows every walk', async (t) => {
  const { store } = await tempStore(t);
  const both = [seen('aa:aa:aa:aa:aa:01', 'ge-0/0/1'), seen('aa:aa:aa:aa:aa:02', 'ge-0/0/2')];
  for (const at of [100, 200, 300]) await store.transaction((tx) => recordIpSightings(tx, 'r1', both, at));
  const rows = await ipHistory(store, ip);
  assert.deepEqual(
    rows.map((r) => [r.mac, r.firstSeen, r.lastSeen]),
    [
      ['aa:aa:aa:aa:aa:01', 100, 300],
      ['aa:aa:aa:aa:aa:02', 100, 300],
    ],
  );
});

test('a device walk places ARP entries on the port where the forwarding table holds the MAC', async (t) => {
  const { store } = await tempStore(t);
  await recordDeviceWalk(store, { device: 'sw1', startedAt: 1, finishedAt: 2, facts: sampleDeviceFacts(1) });
  const rows = await ipHistory(store, '10.0.0.5');
  assert.deepEqual(
    rows.map((r) => [r.mac, r.device, r.port, r.vlan]),
    [['52:54:00:00:00:05', 'sw1', 'ge-0/0/1', 10]],
  );
});
