import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createApiToken, revokeApiToken } from '../../../reconciler/store/api/api-tokens.js';
import { escapeHtml, html } from '../../../server/web/html.js';
import { WEB_CSP } from '../../../server/web/web-pipeline.js';
import { C1, C2, HOSTILE, type WebFixture, webFixture } from './web-fixture.js';

let f: WebFixture;
before(async () => {
  f = await webFixture();
});
after(() => f?.close());

/** A URL of every page of the lab. */
const PAGES = [
  '/',
  '/racks/lab1-r01',
  '/racks/lab1-r03',
  '/devices/server/hv-01',
  '/devices/switch/sw-r01',
  '/devices/device/pdu-r01',
  '/pools/lab1-public',
  '/pools/lab1-mgmt',
  '/pools/lab1-public-v6',
  '/tenants/acme',
  '/plan',
];

const get = (url: string, headers: Record<string, string> = f.basic()) => f.app.inject({ url, headers });

test('every page answers 200 with HTML, the strict CSP, the commit served, and no script anywhere', async () => {
  for (const url of PAGES) {
    const res = await get(url);
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    assert.match(res.headers['content-type'] as string, /^text\/html; charset=utf-8/);
    assert.equal(res.headers['content-security-policy'], WEB_CSP);
    assert.equal(res.headers['x-pytin-revision'], C2);
    assert.ok(!/<script/i.test(res.body), `${url} holds a script element`);
    assert.ok(!/\sstyle=/i.test(res.body) && !/<style/i.test(res.body), `${url} holds inline style the CSP would refuse`);
  }
  assert.match(WEB_CSP, /default-src 'none'/);
  assert.ok(!WEB_CSP.includes('unsafe-inline'));
  const css = await f.app.inject({ url: '/web/style.css' });
  assert.equal(css.statusCode, 200);
  assert.match(css.headers['content-type'] as string, /^text\/css/);
});

test('markup written in the inventory is shown as text on every page that shows it', async () => {
  const escaped = escapeHtml(HOSTILE);
  for (const url of ['/', '/tenants/acme', '/devices/device/pdu-r01']) {
    const res = await get(url);
    assert.ok(res.body.includes(escaped), `${url} does not show the name as text`);
    assert.ok(!res.body.includes('<script>alert'), `${url} lets the name through as markup`);
  }
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  assert.equal(html`<p title="${'"><b>'}">${['<i>', 1]}</p>`.text, '<p title="&quot;&gt;&lt;b&gt;">&lt;i&gt;1</p>');
});

test('without HTTP Basic the browser is asked for it; an unknown or revoked token, a Bearer header, a token in the user name are refused', async () => {
  const missing = await get('/', {});
  assert.equal(missing.statusCode, 401);
  assert.match(missing.headers['www-authenticate'] as string, /^Basic realm="pytin"/);
  assert.equal(missing.json<{ code: string }>().code, 'API_TOKEN_MISSING');
  const other = await createApiToken(f.store, 'leaver', 5);
  assert.ok(other.created);
  assert.equal((await get('/tenants/acme', f.basic(other.token))).statusCode, 200);
  await revokeApiToken(f.store, 'leaver', 6);
  const refused: Array<Record<string, string>> = [
    f.basic(other.token),
    f.basic('pytin_nonsense'),
    { authorization: `Bearer ${f.token}` },
    { authorization: `Basic ${Buffer.from(`${f.token}:`).toString('base64')}` },
    { authorization: 'Basic %%%' },
  ];
  for (const headers of refused) {
    for (const url of PAGES) {
      const res = await get(url, headers);
      assert.equal(res.statusCode, 401, `${url} ${headers.authorization}`);
      assert.equal(res.json<{ code: string }>().code, 'API_TOKEN_INVALID');
      assert.match(res.headers['www-authenticate'] as string, /^Basic /);
    }
  }
});

test('the rack elevation places each device at the units and faces the YAML gives', async () => {
  const body = (await get('/racks/lab1-r01')).body;
  const placed = [...body.matchAll(/data-device="([^"]+)" data-kind="([^"]+)" data-unit="(\d+)" data-height="(\d+)" data-face="(\w+)"/g)].map((m) =>
    m.slice(1).join(' '),
  );
  // hv-01 at 10-11 full depth; ded-01 half-depth front and the PDU rear share unit 1; the patch
  // panel at 41 and the switch at 42 take both faces.
  assert.deepEqual(placed.sort(), [
    'ded-01 server 1 1 front',
    'hv-01 server 10 2 front',
    'hv-01 server 10 2 rear',
    'patch-r01 device 41 1 front',
    'patch-r01 device 41 1 rear',
    'pdu-r01 device 1 1 rear',
    'sw-r01 switch 42 1 front',
    'sw-r01 switch 42 1 rear',
  ]);
  const r03 = (await get('/racks/lab1-r03')).body;
  assert.match(r03, /data-reserved-from="1" data-reserved-to="21"/);
  assert.equal((await get('/racks/nowhere')).statusCode, 404);
});

test("the pool map's counts agree with /v1/pools; the address seen without an owner is marked, with its holder-less hover text", async () => {
  const pools = (await f.app.inject({ url: '/v1/pools', headers: { authorization: `Bearer ${f.token}` } })).json<{
    items: Array<{ name: string; allocated: number; reserved: number; free: string }>;
  }>();
  for (const name of ['lab1-public', 'lab1-mgmt']) {
    const body = (await get(`/pools/${name}`)).body;
    const count = (state: string) => Number(new RegExp(`data-count="${state}">(\\d+)<`).exec(body)![1]);
    const api = pools.items.find((p) => p.name === name)!;
    assert.equal(count('allocated') + count('stale'), api.allocated, name);
    assert.equal(count('reserved'), api.reserved, name);
    assert.equal(count('free') + count('seen-unowned'), Number(api.free), name);
  }
  const pub = (await get('/pools/lab1-public')).body;
  assert.match(pub, /<g data-ip="203\.0\.113\.99" data-state="seen-unowned"><title>203\.0\.113\.99 — seen-unowned\nlast seen [^<]+ on sw-r01 Gi1\/0\/9/);
  assert.match(pub, /<g data-ip="203\.0\.113\.10" data-state="allocated"><title>203\.0\.113\.10 — allocated\nheld by vm\/acme-web-01\/eth0 \(tenant acme\)/);
  assert.match(pub, /<g data-ip="203\.0\.113\.1" data-state="infrastructure">/);
  assert.equal((pub.match(/<g data-ip=/g) ?? []).length, 256);
});

test('?rev= shows an earlier applied commit, and links keep it; an unknown commit is a 404', async () => {
  const now = (await get('/tenants/acme')).body;
  assert.ok(now.includes('203.0.113.13') && !now.includes('203.0.113.11'));
  const then = await get(`/tenants/acme?rev=${C1}`);
  assert.equal(then.headers['x-pytin-revision'], C1);
  assert.ok(then.body.includes('203.0.113.11') && !then.body.includes('203.0.113.13'));
  assert.ok(then.body.includes('ACME Hosting Ltd'));
  assert.ok(then.body.includes(`href="/pools/lab1-public?rev=${C1}"`));
  assert.equal((await get(`/tenants/acme?rev=${'c'.repeat(40)}`)).statusCode, 404);
  assert.equal((await get('/tenants/acme?rev=HEAD')).statusCode, 400);
  assert.equal((await get('/tenants/acme?other=1')).statusCode, 400);
});

test('the web view is read-only: other methods are 405', async () => {
  for (const url of ['/', '/plan', '/tenants/acme']) {
    const res = await f.app.inject({ method: 'POST', url, headers: f.basic() });
    assert.equal(res.statusCode, 405, url);
  }
});
