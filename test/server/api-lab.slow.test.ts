import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import type { FastifyInstance } from 'fastify';

import { openStore, type Store } from '../../reconciler/store/open-store.js';
import { build } from '../../server/build.js';
import { ROUTES } from '../../server/routes/index.js';
import { type LabEnvironment, startLabEnvironment } from '../lab/lab-environment.js';
import { git } from '../support/git-repo.js';
import { commitEdit, plannedChanges, pytinIn } from '../support/pytin-in-lab.js';

// The API on the lab's real result: observed over SNMP and SSH, applied to libvirt, tc and the
// backup node, then served. Then a commit applied while requests run.

let lab: LabEnvironment;
let store: Store;
let app: FastifyInstance;
let auth: { authorization: string };
let first: string;
let planJsonBeforeApply: string;

before(async () => {
  lab = await startLabEnvironment();
  const observed = await pytinIn(lab, 'observe', '--trust-new-hosts');
  assert.equal(observed.code, 0, observed.out + observed.err);
  planJsonBeforeApply = (await pytinIn(lab, 'plan', '--json')).out;
  const applied = await pytinIn(lab, 'apply', '--auto-approve');
  assert.equal(applied.code, 0, applied.out + applied.err);
  const token = await pytinIn(lab, 'token', 'create', '--name', 'billing');
  assert.equal(token.code, 0, token.err);
  auth = { authorization: `Bearer ${token.out.trim()}` };
  first = git(lab.repoDir, 'rev-parse', 'HEAD').trim();
  store = await openStore(join(lab.repoDir, '.pytin', 'store.sqlite'));
  app = await build({ store, rateLimit: { perMinute: 1e9, burst: 1e9 } });
});
after(async () => {
  await app?.close();
  await store?.close();
  await lab?.stop();
});

test('every endpoint answers on the lab result, at the applied commit', async () => {
  for (const route of ROUTES) {
    // /v1/usage needs its period; its figures are api-usage.test.ts's.
    const query = route.path === '/v1/usage' ? '?period=2026-11' : '';
    const res = await app.inject({ url: route.path.replace(':name', 'acme') + query, headers: auth });
    assert.equal(res.statusCode, 200, `${route.path}: ${res.body}`);
    assert.equal(res.headers['x-pytin-revision'], first);
  }
});

test('observed facts are joined: each VM as its hypervisor shows it, the backup policy as its host shows it', async () => {
  const vms = (await app.inject({ url: '/v1/vms', headers: auth })).json<{
    items: Array<{ name: string; hypervisor: string; observed: { host: string } | null }>;
  }>();
  assert.equal(vms.items.length, 6);
  for (const vm of vms.items) assert.equal(vm.observed?.host, vm.hypervisor, vm.name);
  const backups = (await app.inject({ url: '/v1/backups', headers: auth })).json<{ items: Array<{ name: string; observed: { installed: boolean } | null }> }>();
  assert.deepEqual(
    backups.items.map((b) => [b.name, b.observed?.installed]),
    [['home-users', true]],
  );
});

test('/v1/plan/latest is the applied plan as `pytin plan --json` printed it; /v1/runs has the run', async () => {
  const latest = (await app.inject({ url: '/v1/plan/latest', headers: auth })).json<{ messages: Array<{ type: string; action?: string; address?: string }> }>();
  const asLines = latest.messages.map((m) => JSON.stringify(m)).join('\n');
  assert.deepEqual(plannedChanges(asLines), plannedChanges(planJsonBeforeApply));
  assert.equal(plannedChanges(asLines).length, 8);
  const runs = (await app.inject({ url: '/v1/runs', headers: auth })).json<{
    items: Array<{ commit: string; status: string; plan: { add: number }; outcomes: { applied: number } }>;
  }>();
  assert.equal(runs.items[0]?.commit, first);
  assert.equal(runs.items[0]?.status, 'succeeded');
  assert.equal(runs.items[0]?.plan.add, 8);
  assert.equal(runs.items[0]?.outcomes.applied, 8);
});

test('requests during a real apply each read one revision; afterwards ?rev= still serves the first commit', async () => {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  commitEdit(lab, 'tenants.yaml', (t) => t.replace('displayName: ACME Hosting Ltd', 'displayName: ACME Hosting Group'));
  commitEdit(lab, 'vms/acme.yaml', (t) => t.replace('bandwidth: {inbound: 100Mbit, outbound: 100Mbit}', 'bandwidth: {inbound: 150Mbit, outbound: 100Mbit}'));
  const second = git(lab.repoDir, 'rev-parse', 'HEAD').trim();
  const expected = new Map([
    [first, { name: 'ACME Hosting Ltd', inbound: '100Mbit' }],
    [second, { name: 'ACME Hosting Group', inbound: '150Mbit' }],
  ]);
  let applying = true;
  const seen = new Set<string>();
  const reader = async () => {
    let n = 0;
    // On until the apply ends, and then once more so the new commit is read too.
    while (applying || n === 0 || !seen.has(second)) {
      n++;
      const res = await fetch(`${base}/v1/tenants/acme`, { headers: auth });
      assert.equal(res.status, 200);
      const body = (await res.json()) as {
        revision: string;
        tenant: { displayName: string; vmRecords: Array<{ name: string; interfaces: Array<{ bandwidth: { inbound: string } }> }> };
      };
      assert.equal(res.headers.get('x-pytin-revision'), body.revision);
      const want = expected.get(body.revision);
      assert.ok(want, `answered from ${body.revision}`);
      assert.equal(body.tenant.displayName, want.name);
      assert.equal(body.tenant.vmRecords.find((v) => v.name === 'acme-web-01')?.interfaces[0]?.bandwidth.inbound, want.inbound);
      seen.add(body.revision);
    }
  };
  // Before the apply starts, the first commit is served.
  assert.equal((await fetch(`${base}/v1/tenants/acme`, { headers: auth })).headers.get('x-pytin-revision'), first);
  seen.add(first);
  const readers = Promise.all(Array.from({ length: 4 }, reader));
  const applied = await pytinIn(lab, 'apply', '--auto-approve');
  applying = false;
  await readers;
  assert.equal(applied.code, 0, applied.out + applied.err);
  assert.ok(seen.has(second));
  const old = (await app.inject({ url: `/v1/tenants/acme?rev=${first}`, headers: auth })).json<{ revision: string; tenant: { displayName: string } }>();
  assert.deepEqual([old.revision, old.tenant.displayName], [first, 'ACME Hosting Ltd']);
});
