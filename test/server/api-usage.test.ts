import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import type { FastifyInstance } from 'fastify';

import { createApiToken } from '../../reconciler/store/api/api-tokens.js';
import { openStore, type Store } from '../../reconciler/store/open-store.js';
import type { UsageReport } from '../../reconciler/usage/usage-report.js';
import { build } from '../../server/build.js';
import { makeTempDir } from '../lab/daemon.js';
import { assertRowMatches, daySamples, storeWith } from '../reconciler/usage/usage-fixtures.js';
import { recordApplied } from '../support/applied-store.js';
import { labTexts } from '../support/lab-inventory.js';

// GET /v1/usage over the real pipeline: counter samples of the switch port the lab's dedicated
// server ded-01 (acme's) is cabled to, the answer compared with the reference computation of the
// usage tests (tests/reconciler/usage/reference-usage.ts, second by second from the raw samples).

const COMMIT = '3'.repeat(40);
const DAY = 'from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z';
const samples = daySamples((k) => 125_000 + (k % 7) * 10_000, 150);
let dir: { path: string; remove(): Promise<void> };
let writer: Store;
let app: FastifyInstance;
let auth: { authorization: string };

before(async () => {
  dir = await makeTempDir('api-usage');
  writer = await storeWith(dir.path, [{ device: 'sw-r01', ifIndex: 5, name: 'Gi1/0/5', samples }]);
  await recordApplied(writer, COMMIT, labTexts(), 1_000_000);
  const made = await createApiToken(writer, 'billing', 1);
  if (!made.created) throw new Error('token');
  auth = { authorization: `Bearer ${made.token}` };
  app = await build({ store: await openStore(`${dir.path}/store.sqlite`), rateLimit: { perMinute: 1e9, burst: 1e9 } });
});
after(async () => {
  await app?.close();
  await writer?.close();
  await dir?.remove();
});

test("a server port's usage and its tenant's are the reference figures, at the applied revision", async () => {
  const ports = await app.inject({ url: `/v1/usage?scope=server-ports&server=ded-01&${DAY}`, headers: auth });
  assert.equal(ports.statusCode, 200, ports.body);
  assert.equal(ports.headers['x-pytin-revision'], COMMIT);
  const report = ports.json<UsageReport & { revision: string }>();
  assert.equal(report.revision, COMMIT);
  assertRowMatches(
    report.rows.find((r) => r.subject === 'server/ded-01/eno1'),
    [samples],
    1e-6,
  );
  // ded-01 is acme's dedicated server: acme's figure is that port's (its VMs are not sampled).
  const tenant = (await app.inject({ url: `/v1/usage?tenant=acme&${DAY}`, headers: auth })).json<UsageReport>();
  assertRowMatches(
    tenant.rows.find((r) => r.subject === 'tenant/acme'),
    [samples],
    1e-6,
  );
});

test('a malformed or contradictory query is a 400 naming the allowed parameters; an unknown tenant is a 404', async () => {
  for (const query of ['period=2026-13', `period=2026-11&${DAY}`, 'period=2026-11&scope=tenant', 'period=2026-11&where=1%3D1', "tenant=acme'%20OR%201%3D1"]) {
    const res = await app.inject({ url: `/v1/usage?${query}`, headers: auth });
    assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
    assert.ok(res.json<{ allowed: string[] }>().allowed.includes('period'), query);
  }
  const unknown = await app.inject({ url: '/v1/usage?period=2026-11&tenant=initech', headers: auth });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json<{ code: string }>().code, 'API_NOT_FOUND');
  assert.equal((await app.inject({ url: '/v1/usage?period=2026-11' })).statusCode, 401);
});
