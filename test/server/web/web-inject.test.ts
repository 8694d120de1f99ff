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

/** The attributes of every element of `body` that has attribute `marker` (markup may spread an
 * element's attributes over lines). */
function elementsWith(body: string, marker: string): Array<Record<string, string>> {
  return [...body.matchAll(new RegExp(`<[a-z]+\\s([^>]*\\b${marker}="[^>]*)>`, 'g'))].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])),
  );
}

/** The hover text of the pool map cell of `ip`. */
const cellTitle = (body: string, ip: string) => new RegExp(`data-ip="${ip.replace(/\./g, '\\.')}"[^>]*>\\s*<title>([^<]*)</title`).exec(body)?.[1];

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
  const placed = elementsWith(body, 'data-device').map((a) => `${a['data-device']} ${a['data-kind']} ${a['data-unit']} ${a['data-height']} ${a['data-face']}`);
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
  // Units 1, 10-11, 41 and 42: the rack page and the overview count the devices too.
  assert.deepEqual(
    elementsWith(body, 'data-used-units').map((a) => a['data-used-units']),
    ['5'],
  );
  assert.match((await get('/')).body, /href="\/racks\/lab1-r01">lab1-r01<\/a><\/td>\s*<td>A<\/td>\s*<td>5 \/ 42<\/td>/);
  const r03 = (await get('/racks/lab1-r03')).body;
  assert.deepEqual(
    elementsWith(r03, 'data-reserved-from').map((a) => `${a['data-reserved-from']}-${a['data-reserved-to']}`),
    ['1-21', '40-42', '1-21', '40-42'],
  );
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
  // A /22: one row per /24, the network and gateway in the first, the reserved range in the
  // second, the broadcast in the last; its free addresses are the API's.
  const big = (await get('/pools/big-v4')).body;
  const blocks = [...big.matchAll(/<tr data-block="([^"]+)">((?:\s*<td>[^<]*<\/td>)+)/g)].map((m) => [
    m[1],
    [...m[2]!.matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1]).slice(1),
  ]);
  // Columns: allocated, stale, reserved, free, seen-unowned, infrastructure.
  assert.deepEqual(blocks, [
    ['10.20.0.0/24', ['0', '0', '0', '254', '0', '2']],
    ['10.20.1.0/24', ['0', '0', '0', '246', '0', '10']],
    ['10.20.2.0/24', ['0', '0', '0', '256', '0', '0']],
    ['10.20.3.0/24', ['0', '0', '0', '255', '0', '1']],
  ]);
  assert.equal(pools.items.find((p) => p.name === 'big-v4')!.free, String(254 + 246 + 256 + 255));
  const pub = (await get('/pools/lab1-public')).body;
  const states = new Map(elementsWith(pub, 'data-state').map((a) => [a['data-ip']!, a['data-state']!]));
  assert.equal(states.size, 256);
  assert.deepEqual(
    [states.get('203.0.113.99'), states.get('203.0.113.10'), states.get('203.0.113.1'), states.get('203.0.113.200')],
    ['seen-unowned', 'allocated', 'infrastructure', 'reserved'],
  );
  assert.equal(states.get('203.0.113.12'), 'stale');
  assert.equal([...states.values()].filter((v) => v === 'stale').length, 1);
  assert.match(cellTitle(pub, '203.0.113.99')!, /^203\.0\.113\.99 — seen-unowned\nlast seen \S+ on sw-r01 Gi1\/0\/9 \(52:54:00:00:00:99\)$/);
  assert.match(cellTitle(pub, '203.0.113.10')!, /^203\.0\.113\.10 — allocated\nheld by vm\/acme-web-01\/eth0 \(tenant acme\)\nlast seen /);
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

test("the latest plan's drift marks the devices it is about: outlined in the elevation with the drift as hover text, listed on the device and plan pages", async () => {
  const marked = (body: string) =>
    elementsWith(body, 'data-device')
      .filter((a) => a['data-drift'] !== undefined)
      .map((a) => `${a['data-device']} ${a['data-drift']}`);
  // hv-01's MAC seen on sw-r01 Gi1/0/7: the server and the switch it was seen on are marked.
  assert.deepEqual(marked((await get('/racks/lab1-r01')).body).sort(), [
    'hv-01 mac-on-unexpected-port',
    'hv-01 mac-on-unexpected-port',
    'sw-r01 mac-on-unexpected-port',
    'sw-r01 mac-on-unexpected-port',
  ]);
  const port = (await get('/devices/switch/sw-r01')).body;
  assert.match(port, /<td>Gi1\/0\/7<\/td>(?:(?!<\/tr>)[\s\S])*data-port-drift="server\/hv-01\/eno1"/);
  assert.equal(elementsWith(port, 'data-port-drift').length, 1);
  assert.deepEqual(marked((await get('/racks/lab1-r02')).body), ['hv-02 device-not-answering', 'hv-02 device-not-answering']);
  const device = (await get('/devices/server/hv-02')).body;
  assert.deepEqual(
    elementsWith(device, 'data-drift-kind').map((a) => a['data-drift-kind']),
    ['device-not-answering'],
  );
  assert.ok(device.includes('hv-02 did not answer over SSH'));
  const plan = (await get('/plan')).body;
  assert.deepEqual(
    elementsWith(plan, 'data-drift').map((a) => a['data-drift']),
    ['server/hv-02', 'server/hv-01/eno1'],
  );
  assert.ok(plan.includes(escapeHtml(HOSTILE)) && !plan.includes('<script>alert'));
  // The earlier commit's plan (recorded with no message) has no drift to mark.
  assert.deepEqual(marked((await get(`/racks/lab1-r01?rev=${C1}`)).body), []);
});

test("a device page lists the thing's properties, leaving out the optional ones its YAML does not set", async () => {
  const properties = (body: string) => [...body.matchAll(/<tr>\s*<th>([^<]+)<\/th>\s*<td>/g)].map((m) => m[1]);
  // pdu-r01 has a description and no tenant; ded-01 has a tenant, hv-01 none; a switch has neither.
  assert.deepEqual(properties((await get('/devices/device/pdu-r01')).body), ['type', 'place', 'serial', 'model', 'description', 'addresses']);
  assert.deepEqual(properties((await get('/devices/server/hv-01')).body), ['place', 'serial', 'model', 'roles']);
  assert.deepEqual(properties((await get('/devices/server/ded-01')).body), ['place', 'serial', 'model', 'roles', 'tenant']);
  assert.deepEqual(properties((await get('/devices/switch/sw-r01')).body), ['place', 'serial', 'model', 'addresses']);
});
