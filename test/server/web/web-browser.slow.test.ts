import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { parseAllDocuments } from 'yaml';

import { openStore, type Store } from '../../../reconciler/store/open-store.js';
import { build } from '../../../server/build.js';
import { type LabEnvironment, startLabEnvironment } from '../../lab/lab-environment.js';
import { PROJECT_ROOT } from '../../support/lab-inventory.js';
import { commitEdit, plannedChanges, pytinIn } from '../../support/pytin-in-lab.js';
import { HOSTILE } from './web-fixture.js';

// The web view on the lab's real result (observed over SNMP and SSH, applied), in Debian's
// Chromium driven by playwright-core: every page reachable from `/` loads with no console error,
// no failed request and no dialog; what the pages draw is checked against the YAML and the API.
// Screenshots of each page go to test-artifacts/web/ (git-ignored) for people to look at.

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'web');
/** Pages crawled at most (the lab has about 30). */
const MAX_PAGES = 80;

let lab: LabEnvironment;
let store: Store;
let app: FastifyInstance;
let base: string;
let bearer: { authorization: string };
let browser: Browser;
let context: BrowserContext;

before(async () => {
  lab = await startLabEnvironment();
  // A name a person wrote with markup in it, committed like any edit.
  commitEdit(lab, 'tenants.yaml', (t) => t.replace('displayName: ACME Hosting Ltd', `displayName: ${JSON.stringify(HOSTILE)}`));
  for (const step of [
    ['observe', '--trust-new-hosts'],
    ['apply', '--auto-approve'],
  ]) {
    const result = await pytinIn(lab, ...step);
    assert.equal(result.code, 0, `pytin ${step.join(' ')}: ${result.out}${result.err}`);
  }
  const token = await pytinIn(lab, 'token', 'create', '--name', 'support');
  assert.equal(token.code, 0, token.err);
  bearer = { authorization: `Bearer ${token.out.trim()}` };
  store = await openStore(join(lab.repoDir, '.pytin', 'store.sqlite'));
  app = await build({ store, rateLimit: { perMinute: 1e9, burst: 1e9 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // Flags from LAB.md: without the background-networking ones Chromium keeps trying to reach
  // outside hosts, which this closed network refuses.
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ httpCredentials: { username: 'support', password: token.out.trim() }, viewport: { width: 1280, height: 900 } });
  mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await app?.close();
  await store?.close();
  await lab?.stop();
});

/** Opens `path` and collects everything that went wrong while it loaded. */
async function visit(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  const response = await page.goto(`${base}${path}`, { waitUntil: 'load' });
  if (response?.status() !== 200) problems.push(`${path} answered ${response?.status()}`);
  return { page, problems };
}

const screenshotName = (path: string) => `${path.replace(/^\//, '').replace(/[^a-z0-9.-]+/gi, '_') || 'overview'}.png`;

test('every page reachable from / loads in Chromium with no console error, no failed request and no dialog; a screenshot of each is kept', async () => {
  const queue = ['/'];
  const seen = new Set(queue);
  const loaded: string[] = [];
  while (queue.length > 0 && loaded.length < MAX_PAGES) {
    const path = queue.shift()!;
    const { page, problems } = await visit(path);
    assert.deepEqual(problems, [], path);
    await page.screenshot({ path: join(ARTIFACTS, screenshotName(path)), fullPage: true });
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const link of links) {
      if (!link.startsWith('/') || seen.has(link)) continue;
      seen.add(link);
      queue.push(link);
    }
    await page.close();
    loaded.push(path);
  }
  assert.equal(queue.length, 0, `more than ${MAX_PAGES} pages`);
  for (const expected of [
    '/racks/lab1-r01',
    '/racks/lab1-r02',
    '/racks/lab1-r03',
    '/pools/lab1-public',
    '/tenants/acme',
    '/tenants/globex',
    '/plan',
    '/devices/server/hv-01',
    '/devices/switch/sw-r02',
    '/devices/device/pdu-r01',
  ])
    assert.ok(loaded.includes(expected), `${expected} is not linked from the pages`);
});

/** Where the inventory's YAML places each racked thing: `name position height` by rack. */
function yamlPlacements(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.yaml'))
        for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
          const value = doc.toJS() as { kind?: string; name?: string; placement?: { rack: string; position: number; height?: number } } | null;
          if (!value?.placement || !['Server', 'Switch', 'Device'].includes(value.kind ?? '')) continue;
          const set = out.get(value.placement.rack) ?? new Set<string>();
          set.add(`${value.name} ${value.placement.position} ${value.placement.height ?? 1}`);
          out.set(value.placement.rack, set);
        }
    }
  };
  walk(lab.repoDir);
  return out;
}

test('each rack elevation draws every device at the units its YAML gives: the data-unit read from the DOM, and the drawn box level with those unit slots', async () => {
  const placements = yamlPlacements();
  assert.ok(placements.size >= 3);
  for (const [rack, expected] of placements) {
    const { page, problems } = await visit(`/racks/${rack}`);
    assert.deepEqual(problems, []);
    const drawn = await page.$$eval('svg.rack a[data-device]', (as) =>
      as.map((a) => {
        const svg = a.closest('svg')!;
        const box = a.querySelector('rect')!.getBoundingClientRect();
        const unit = Number(a.getAttribute('data-unit'));
        const height = Number(a.getAttribute('data-height'));
        const bottomSlot = svg.querySelector(`[data-free-unit="${unit}"]`)!.getBoundingClientRect();
        const topSlot = svg.querySelector(`[data-free-unit="${unit + height - 1}"]`)!.getBoundingClientRect();
        return {
          id: `${a.getAttribute('data-device')} ${unit} ${height}`,
          level: Math.abs(box.bottom - bottomSlot.bottom) <= 2 && Math.abs(box.top - topSlot.top) <= 2,
        };
      }),
    );
    assert.deepEqual(new Set(drawn.map((d) => d.id)), expected, rack);
    for (const d of drawn) assert.ok(d.level, `${rack}: ${d.id} is not drawn at its units`);
    await page.close();
  }
});

test("each pool map's counts match /v1/pools", async () => {
  const pools = (await (await fetch(`${base}/v1/pools`, { headers: bearer })).json()) as {
    items: Array<{ name: string; cidr: string; allocated: number; reserved: number; free: string }>;
  };
  let drawn = 0;
  for (const pool of pools.items) {
    const { page, problems } = await visit(`/pools/${pool.name}`);
    assert.deepEqual(problems, []);
    const cells = await page.$$eval('svg.pool-map g[data-state]', (gs) => gs.map((g) => g.getAttribute('data-state')!));
    if (cells.length > 0) {
      drawn++;
      const count = (state: string) => cells.filter((c) => c === state).length;
      assert.equal(count('allocated') + count('stale'), pool.allocated, pool.name);
      assert.equal(count('reserved'), pool.reserved, pool.name);
      assert.equal(count('free') + count('seen-unowned'), Number(pool.free), pool.name);
    }
    await page.close();
  }
  assert.ok(drawn >= 2, 'the IPv4 pools are drawn cell by cell');
});

test('a display name with <script> in the inventory is shown as text and runs nothing', async () => {
  for (const path of ['/', '/tenants/acme']) {
    const { page, problems } = await visit(path);
    assert.deepEqual(problems, []);
    assert.ok((await page.textContent('main'))!.includes(HOSTILE), path);
    assert.equal(await page.locator('script').count(), 0, path);
    await page.close();
  }
});

test('the plan page lists the changes of the applied plan (/v1/plan/latest), grouped by target', async () => {
  const latest = (await (await fetch(`${base}/v1/plan/latest`, { headers: bearer })).json()) as { messages: unknown[] };
  const expected = plannedChanges(latest.messages.map((m) => JSON.stringify(m)).join('\n'));
  assert.ok(expected.length > 0);
  const { page, problems } = await visit('/plan');
  assert.deepEqual(problems, []);
  const rows = await page.$$eval('tr[data-change]', (trs) => trs.map((tr) => tr.getAttribute('data-change')!));
  assert.deepEqual(rows.filter((r) => !r.startsWith('no-op ')).sort(), expected);
  assert.ok((await page.locator('main h3').count()) >= 2, 'changes are grouped by target');
  await page.close();
});
