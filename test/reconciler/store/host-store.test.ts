import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findDomain, readHostFacts, recordHostObservation } from '../../../reconciler/store/host-store.js';
import type { DomainFacts, HostFacts } from '../../../reconciler/observe/hosts/host-facts.js';
import { tempStore } from './fixtures/temp-store.js';

const domain = (name: string, state: DomainFacts['state']): DomainFacts => ({
  name,
  uuid: null,
  state,
  vcpu: 2,
  memoryKiB: 2048,
  disks: [],
  interfaces: [],
  pytin: null,
});

function facts(observedAt: number, partial: Partial<HostFacts>): HostFacts {
  return { host: 'hv1', observedAt, basics: null, domains: null, tc: null, backups: null, diagnostics: [], ...partial };
}

test('an observation replaces each observed kind; a kind that failed keeps its last value and age', async (t) => {
  const { store } = await tempStore(t);
  await recordHostObservation(store, {
    startedAt: 900,
    facts: facts(1000, {
      basics: { hostname: 'hv1', kernel: '6.1', uptimeSeconds: 10 },
      domains: [domain('web-01', 'running'), domain('db-01', 'shut-off')],
      tc: { interfaces: [] },
    }),
  });
  await recordHostObservation(store, {
    startedAt: 1900,
    facts: facts(2000, {
      basics: { hostname: 'hv1', kernel: '6.1', uptimeSeconds: 1010 },
      tc: { interfaces: [] },
      diagnostics: [{ severity: 'error', code: 'OBS_HOST_COMMAND_MISSING', summary: 'domains: "virsh" is not installed' }],
    }),
  });
  const stored = await readHostFacts(store, 'hv1');
  assert.equal(stored.basics?.value.uptimeSeconds, 1010);
  assert.equal(stored.basics?.observedAt, 2000);
  assert.deepEqual(stored.domains?.value.map((d) => d.name), ['web-01', 'db-01']);
  assert.equal(stored.domains?.observedAt, 1000);
  assert.equal(stored.lastRun?.status, 'succeeded');
  assert.match(stored.lastRun?.error ?? '', /OBS_HOST_COMMAND_MISSING/);
  assert.deepEqual(await findDomain(store, 'db-01'), [{ host: 'hv1', state: 'shut-off' }]);
  // The normalised row keeps each column in its place (vCPU, memory and the run that saw it).
  const row = await store.get<{ vcpu: number | null; memory_kib: number | null; run_id: number } & Record<string, null | number>>("SELECT vcpu, memory_kib, run_id FROM host_domains WHERE name = 'db-01'");
  const db = stored.domains!.value.find((d) => d.name === 'db-01')!;
  assert.deepEqual(row, { vcpu: db.vcpu, memory_kib: db.memoryKiB, run_id: stored.domains!.runId });
});

test('an unreachable host is a failed run and keeps every stored kind', async (t) => {
  const { store } = await tempStore(t);
  await recordHostObservation(store, { startedAt: 1, facts: facts(10, { domains: [domain('web-01', 'running')] }) });
  await recordHostObservation(store, {
    startedAt: 20,
    facts: facts(30, { diagnostics: [{ severity: 'error', code: 'OBS_HOST_UNREACHABLE', summary: 'connection refused' }] }),
  });
  const stored = await readHostFacts(store, 'hv1');
  assert.equal(stored.lastRun?.status, 'failed');
  assert.equal(stored.domains?.observedAt, 10);
  assert.equal(stored.basics, null);
});

test('a second observation replaces the normalised domain rows as a whole', async (t) => {
  const { store } = await tempStore(t);
  await recordHostObservation(store, { startedAt: 1, facts: facts(10, { domains: [domain('web-01', 'running'), domain('old', 'running')] }) });
  await recordHostObservation(store, { startedAt: 20, facts: facts(30, { domains: [domain('web-01', 'paused')] }) });
  assert.deepEqual(await findDomain(store, 'old'), []);
  assert.deepEqual(await findDomain(store, 'web-01'), [{ host: 'hv1', state: 'paused' }]);
});
