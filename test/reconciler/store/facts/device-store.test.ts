import assert from 'node:assert/strict';
import { test } from 'node:test';

import { interfaceRates } from '../../../../reconciler/store/facts/counter-store.js';
import { findMac, readDeviceFacts, recordDeviceWalk } from '../../../../reconciler/store/facts/device-store.js';
import { recordFailedRun } from '../../../../reconciler/store/facts/observation-runs.js';
import { sampleDeviceFacts } from '../fixtures/sample-device-facts.js';
import { tempStore } from '../fixtures/temp-store.js';

test('a second walk replaces the device facts as a whole, dropping interfaces that disappeared', async (t) => {
  const { store } = await tempStore(t);
  await recordDeviceWalk(store, { device: 'sw1', startedAt: 1000, finishedAt: 2000, facts: sampleDeviceFacts(1, 6) });
  await recordDeviceWalk(store, { device: 'sw1', startedAt: 3000, finishedAt: 4000, facts: sampleDeviceFacts(2, 3) });
  const stored = await readDeviceFacts(store, 'sw1');
  assert.ok(stored);
  assert.equal(stored.observedAt, 4000);
  assert.equal(stored.facts.system.sysName, 'sw-gen-2');
  assert.deepEqual(
    stored.facts.interfaces.map((i) => i.ifAlias),
    ['gen-2', 'gen-2', 'gen-2'],
  );
  const rows = await store.all<{ if_alias: string }>("SELECT if_alias FROM device_interfaces WHERE device = 'sw1'");
  assert.deepEqual(
    rows.map((r) => r.if_alias),
    ['gen-2', 'gen-2', 'gen-2'],
  );
});

test('64-bit counters above 2^53 round-trip exactly', async (t) => {
  const { store } = await tempStore(t);
  const facts = sampleDeviceFacts(1, 1);
  facts.interfaces[0]!.inOctets = 18_446_744_073_709_551_615n;
  await recordDeviceWalk(store, { device: 'sw1', startedAt: 1, finishedAt: 2, facts });
  assert.equal((await readDeviceFacts(store, 'sw1'))?.facts.interfaces[0]?.inOctets, 18_446_744_073_709_551_615n);
  const row = await store.get<{ in_octets: string }>("SELECT in_octets FROM counter_samples WHERE device = 'sw1'");
  assert.equal(row?.in_octets, '18446744073709551615');
});

test('a failed walk keeps the last good facts with their age and records the failure', async (t) => {
  const { store } = await tempStore(t);
  await recordDeviceWalk(store, { device: 'sw1', startedAt: 1000, finishedAt: 2000, facts: sampleDeviceFacts(1) });
  await recordFailedRun(store, { source: 'snmp', subject: 'sw1', startedAt: 5000, finishedAt: 6000, error: 'timeout' });
  const stored = await readDeviceFacts(store, 'sw1');
  assert.ok(stored);
  assert.equal(stored.observedAt, 2000);
  assert.equal(stored.facts.system.sysName, 'sw-gen-1');
  assert.equal(stored.lastRun?.status, 'failed');
  assert.equal(stored.lastRun?.error, 'timeout');
  assert.equal(stored.lastRun?.finishedAt, 6000);
});

test('a device never walked has no facts', async (t) => {
  const { store } = await tempStore(t);
  assert.equal(await readDeviceFacts(store, 'nope'), undefined);
});

test('the forwarding table answers where a MAC is', async (t) => {
  const { store } = await tempStore(t);
  await recordDeviceWalk(store, { device: 'sw1', startedAt: 1, finishedAt: 2, facts: sampleDeviceFacts(1) });
  assert.deepEqual(await findMac(store, '52:54:00:00:00:05'), [{ device: 'sw1', ifIndex: 2, vlan: 10 }]);
});

test('rates come from consecutive stored walks', async (t) => {
  const { store } = await tempStore(t);
  // sampleDeviceFacts advances sysUpTime by 60 s and inOctets by 1000 per generation.
  for (const g of [1, 2, 3]) {
    await recordDeviceWalk(store, { device: 'sw1', startedAt: g * 60_000 - 10, finishedAt: g * 60_000, facts: sampleDeviceFacts(g, 2) });
  }
  const rates = await interfaceRates(store, 'sw1', 1);
  assert.equal(rates.length, 2);
  for (const r of rates) {
    assert.equal(r.rate.status, 'ok');
    if (r.rate.status === 'ok') assert.deepEqual(r.rate.in, { status: 'ok', octets: 1000n, bitsPerSecond: (1000 * 8) / 60, wrapped: false });
  }
});
