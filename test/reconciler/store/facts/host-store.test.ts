import assert from 'node:assert/strict';
import { test } from 'node:test';

import { type HostFactsRecord, readHostFacts, readManyHostFacts, recordHostObservation } from '../../../../reconciler/store/facts/host-store.js';
import { tempStore } from '../fixtures/temp-store.js';

function record(observedAt: number, facts: Record<string, unknown>, errors: string[] = []): HostFactsRecord {
  return { host: 'hv1', startedAt: observedAt - 100, observedAt, facts: new Map(Object.entries(facts)), errors };
}

test('an observation replaces each observed kind; a kind that failed keeps its last value and age', async (t) => {
  const { store } = await tempStore(t);
  await recordHostObservation(store, record(1000, { basics: { uptimeSeconds: 10 }, domains: [{ name: 'web-01' }, { name: 'db-01' }], tc: { interfaces: [] } }));
  await recordHostObservation(
    store,
    record(2000, { basics: { uptimeSeconds: 1010 }, domains: null, tc: { interfaces: [] } }, ['OBS_HOST_COMMAND_MISSING: domains: "virsh" is not installed']),
  );
  const stored = await readHostFacts(store, 'hv1');
  assert.deepEqual(stored.facts.get('basics'), { value: { uptimeSeconds: 1010 }, json: '{"uptimeSeconds":1010}', observedAt: 2000, runId: 2 });
  assert.deepEqual(stored.facts.get('domains')?.value, [{ name: 'web-01' }, { name: 'db-01' }]);
  assert.equal(stored.facts.get('domains')?.observedAt, 1000);
  assert.equal(stored.facts.get('domains')?.runId, 1);
  assert.equal(stored.lastRun?.status, 'succeeded');
  assert.match(stored.lastRun?.error ?? '', /OBS_HOST_COMMAND_MISSING/);
});

test('an unreachable host is a failed run and keeps every stored kind', async (t) => {
  const { store } = await tempStore(t);
  await recordHostObservation(store, record(10, { domains: [{ name: 'web-01' }] }));
  await recordHostObservation(store, record(30, { basics: null, domains: null }, ['OBS_HOST_UNREACHABLE: connection refused']));
  const stored = await readHostFacts(store, 'hv1');
  assert.equal(stored.lastRun?.status, 'failed');
  assert.equal(stored.facts.get('domains')?.observedAt, 10);
  assert.equal(stored.facts.has('basics'), false);
});

test("the store keeps each driver's facts as the driver wrote them, whatever their shape", async (t) => {
  const { store } = await tempStore(t);
  // 64-bit counters travel as decimal text (JSON has no bigint); everything else as written.
  const shapes = { kvm: [{ a: 1, nested: { list: [true, null, 'x'] } }], zabbix: { hostids: ['10084'], counter: 2n ** 64n - 1n } };
  await recordHostObservation(store, record(5, shapes));
  const stored = await readManyHostFacts(store, ['hv1', 'never-seen']);
  assert.deepEqual(stored.get('hv1')?.facts.get('kvm')?.value, shapes.kvm);
  assert.deepEqual(stored.get('hv1')?.facts.get('zabbix')?.value, { hostids: ['10084'], counter: '18446744073709551615' });
  assert.deepEqual([...stored.get('never-seen')!.facts.keys()], []);
  assert.equal(stored.get('never-seen')!.lastRun, undefined);
});
