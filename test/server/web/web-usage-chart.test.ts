import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import type { FastifyInstance } from 'fastify';

import { createApiToken } from '../../../reconciler/store/api/api-tokens.js';
import { openStore, type Store } from '../../../reconciler/store/open-store.js';
import type { UsageReport } from '../../../reconciler/usage/usage-report.js';
import { build } from '../../../server/build.js';
import { makeTempDir } from '../../lab/daemon.js';
import { daySamples, storeWith } from '../../reconciler/usage/usage-fixtures.js';
import { recordApplied } from '../../support/applied-store.js';
import { labTexts } from '../../support/lab-inventory.js';

// The tenant page's usage chart on real counter samples (a day of the switch port acme's
// dedicated server is cabled to): the dashed line is the 95th percentile billing reads from
// /v1/usage, and the chart draws one point per rated 5-minute bucket — gaps (an agent restart)
// lift the pen instead of drawing zero.

const COMMIT = '4'.repeat(40);
const samples = daySamples((k) => 125_000 + (k % 7) * 10_000, 150);
let dir: { path: string; remove(): Promise<void> };
let writer: Store;
let reader: Store;
let app: FastifyInstance;
let token: string;

before(async () => {
  dir = await makeTempDir('web-usage');
  writer = await storeWith(dir.path, [{ device: 'sw-r01', ifIndex: 5, name: 'Gi1/0/5', samples }]);
  await recordApplied(writer, COMMIT, labTexts(), 1_000_000);
  const made = await createApiToken(writer, 'support', 1);
  if (!made.created) throw new Error('token');
  token = made.token;
  reader = await openStore(`${dir.path}/store.sqlite`);
  app = await build({ store: reader, rateLimit: { perMinute: 1e9, burst: 1e9 } });
});
after(async () => {
  await app?.close();
  await reader?.close();
  await writer?.close();
  await dir?.remove();
});

test("the tenant page draws the month's 5-minute rates and the 95th percentile line /v1/usage bills", async () => {
  const usage = (
    await app.inject({ url: '/v1/usage?period=2026-11&scope=tenant&tenant=acme', headers: { authorization: `Bearer ${token}` } })
  ).json<UsageReport>();
  const row = usage.rows[0]!;
  assert.ok(row.p95MaxBitsPerSecond !== null && row.ratedBuckets > 100);
  const page = await app.inject({
    url: '/tenants/acme?period=2026-11',
    headers: { authorization: `Basic ${Buffer.from(`me:${token}`).toString('base64')}` },
  });
  assert.equal(page.statusCode, 200, page.body);
  assert.equal(Number(/class="chart-p95" data-p95="([^"]+)"/.exec(page.body)![1]), row.p95MaxBitsPerSecond);
  assert.equal(Number(/data-p95-max="([^"]+)"/.exec(page.body)![1]), row.p95MaxBitsPerSecond);
  const inPath = /class="chart-in" d="([^"]*)"/.exec(page.body)![1]!;
  const points = inPath.match(/[ML]/g) ?? [];
  assert.equal(points.length, row.ratedBuckets);
  // The restart at sample 150 is a gap: the pen lifts at least once after the first point.
  assert.ok(points.filter((p) => p === 'M').length >= 2);
  assert.ok(page.body.includes('2026-11-01') && page.body.includes('2026-12-01'));
  // A month that is not one is refused like any malformed parameter.
  const bad = await app.inject({ url: '/tenants/acme?period=2026-13', headers: { authorization: `Basic ${Buffer.from(`me:${token}`).toString('base64')}` } });
  assert.equal(bad.statusCode, 400);
});
