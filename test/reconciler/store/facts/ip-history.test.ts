import assert from 'node:assert/strict';
import { test } from 'node:test';

import { recordDeviceWalk } from '../../../../reconciler/store/facts/device-store.js';
import { ipHistory, type IpSighting, recordIpSightings } from '../../../../reconciler/store/facts/ip-history.js';
import type { Row } from '../../../../reconciler/store/file/sqlite.js';
import type { Store } from '../../../../reconciler/store/open-store.js';
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

/** The whole history, without ids (the two paths insert in different orders). */
async function historyTable(store: Store): Promise<string[]> {
  const rows = await store.all<Row>('SELECT ip, mac, device, port, vlan, first_seen, last_seen FROM ip_history');
  return rows.map((r) => JSON.stringify([r.ip, r.mac, r.device, r.port, r.vlan, r.first_seen, r.last_seen])).sort();
}

/** A small deterministic generator (mulberry32): the same walks on every run. */
function randomSource(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

test("a walk judged against the device's latest walk gives the same history as one judged by a lookup per address", async (t) => {
  const { store: recorded } = await tempStore(t);
  const { store: lookedUp } = await tempStore(t);
  const random = randomSource(14);
  const macs = ['aa:aa:aa:aa:aa:01', 'aa:aa:aa:aa:aa:02', 'aa:aa:aa:aa:aa:03'];
  const ports = ['ge-0/0/1', 'ge-0/0/2', null];
  let at = 1000;
  let judgedByRecord = 0;
  const lastWalkOf = new Map<string, IpSighting[]>();
  for (let walk = 0; walk < 150; walk++) {
    // Mostly forwards; sometimes the same instant again, sometimes a walk recorded late.
    const step = random(10);
    at = step === 0 ? at : step === 1 ? at - 1 - random(300) : at + 100;
    const device = walk % 7 === 6 ? 'r2' : 'r1';
    // A quiet network: often the very bindings of the device's previous walk.
    const previous = lastWalkOf.get(device);
    const sightings: IpSighting[] = previous && random(3) === 0 ? previous : [];
    for (let a = 0; a < 12 && sightings !== previous; a++) {
      if (random(5) === 0) continue; // not answering this walk
      const bindings = random(6) === 0 ? 2 : 1; // sometimes two MACs at once
      const first = random(macs.length);
      for (let b = 0; b < bindings; b++) {
        const stable = random(4) !== 0;
        sightings.push({
          ip: `203.0.113.${a}`,
          mac: macs[(first + b) % macs.length]!,
          device,
          port: stable ? 'ge-0/0/1' : ports[random(ports.length)]!,
          vlan: stable ? 10 : random(2) === 0 ? null : 20,
        });
      }
    }
    const record = await recorded.get<Row & { walked_at: number }>('SELECT walked_at FROM ip_history_latest_walk WHERE device = ?', [device]);
    if (record && record.walked_at < at) judgedByRecord++;
    lastWalkOf.set(device, sightings);
    await recorded.transaction((tx) => recordIpSightings(tx, device, sightings, at));
    // The other store never has a record to judge against: every walk takes the lookup path.
    await lookedUp.transaction(async (tx) => {
      await tx.run('DELETE FROM ip_history_latest_walk');
      await recordIpSightings(tx, device, sightings, at);
    });
    assert.deepEqual(await historyTable(recorded), await historyTable(lookedUp), `after walk ${walk} at ${at}`);
  }
  // Most walks were judged against the record: that path is what the comparison covered.
  assert.ok(judgedByRecord >= 75, `only ${judgedByRecord} of 150 walks were judged against the latest-walk record`);
});

test('a history row the latest-walk record names but that is gone makes the walk fall back to lookups, with the same result', async (t) => {
  const { store } = await tempStore(t);
  const both = [seen('aa:aa:aa:aa:aa:01', 'ge-0/0/1'), { ...seen('aa:aa:aa:aa:aa:02', 'ge-0/0/2'), ip: '203.0.113.10' }];
  await store.transaction((tx) => recordIpSightings(tx, 'r1', both, 100));
  await store.run("DELETE FROM ip_history WHERE mac = 'aa:aa:aa:aa:aa:02'");
  await store.transaction((tx) => recordIpSightings(tx, 'r1', both, 200));
  const rows = await store.all<Row>('SELECT ip, mac, first_seen, last_seen FROM ip_history ORDER BY ip');
  assert.deepEqual(
    rows.map((r) => [r.ip, r.mac, r.first_seen, r.last_seen]),
    [
      ['203.0.113.10', 'aa:aa:aa:aa:aa:02', 200, 200],
      ['203.0.113.9', 'aa:aa:aa:aa:aa:01', 100, 200],
    ],
  );
});

test('a walk recorded late, after a walk that repeated the one before it, moves no last_seen back', async (t) => {
  const { store } = await tempStore(t);
  const quiet = [seen('aa:aa:aa:aa:aa:01', 'ge-0/0/1')];
  await store.transaction((tx) => recordIpSightings(tx, 'r1', quiet, 100));
  await store.transaction((tx) => recordIpSightings(tx, 'r1', quiet, 200)); // the same walk again
  const late = [...quiet, { ...seen('aa:aa:aa:aa:aa:02', 'ge-0/0/2'), ip: '203.0.113.10' }];
  await store.transaction((tx) => recordIpSightings(tx, 'r1', late, 150)); // finished before the one at 200
  await store.transaction((tx) => recordIpSightings(tx, 'r1', late, 160)); // and another
  const rows = await store.all<Row>('SELECT ip, mac, first_seen, last_seen FROM ip_history ORDER BY ip');
  assert.deepEqual(
    rows.map((r) => [r.ip, r.mac, r.first_seen, r.last_seen]),
    [
      ['203.0.113.10', 'aa:aa:aa:aa:aa:02', 150, 160],
      ['203.0.113.9', 'aa:aa:aa:aa:aa:01', 100, 200],
    ],
  );
});
