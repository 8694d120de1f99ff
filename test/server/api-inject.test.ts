import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';

import { Ajv } from 'ajv';

import { createApiToken, revokeApiToken } from '../../reconciler/store/api/api-tokens.js';
import { responseSchema } from '../../server/openapi/openapi-document.js';
import { routeFilters } from '../../server/request-pipeline.js';
import { ROUTES } from '../../server/routes/index.js';
import { recordSightings } from '../support/applied-store.js';
import { type ApiFixture, apiFixture, C1, C2 } from './api-fixture.js';

let f: ApiFixture;
before(async () => {
  f = await apiFixture();
});
after(() => f?.close());

/** A concrete URL of each route (path parameters filled with a lab name). */
const urlOf = (path: string) => path.replace(':name', 'acme');
/** What a route needs besides its path to answer 200. */
const REQUIRED_QUERY: Record<string, string> = { '/v1/usage': '?period=2026-11' };
const ajv = new Ajv({ strict: false, allowUnionTypes: true, validateFormats: false });

test('every endpoint answers 200 with the last applied commit in X-Pytin-Revision and the body, matching its response schema', async () => {
  for (const route of ROUTES) {
    const res = await f.app.inject({ url: urlOf(route.path) + (REQUIRED_QUERY[route.path] ?? ''), headers: f.auth });
    assert.equal(res.statusCode, 200, `${route.path}: ${res.body}`);
    assert.equal(res.headers['x-pytin-revision'], C2, route.path);
    assert.ok(res.headers.etag, route.path);
    const body = res.json<Record<string, unknown>>();
    assert.equal(body.revision, C2);
    const validate = ajv.compile(responseSchema(route));
    assert.ok(validate(body), `${route.path}: ${ajv.errorsText(validate.errors)}`);
  }
  const health = await f.app.inject({ url: '/v1/health' });
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json(), { status: 'ok', revision: C2 });
});

test('answers join desired and observed: the address of a VM with its tenant, pool, MAC and switch port; a seen stray; pools counted', async () => {
  const ip = (await f.app.inject({ url: '/v1/ip-addresses?address=203.0.113.10', headers: f.auth })).json<{ items: Array<Record<string, unknown>> }>();
  assert.deepEqual(ip.items, [
    {
      address: '203.0.113.10',
      version: 4,
      status: 'allocated',
      pool: 'lab1-public',
      vrf: null,
      holder: 'vm/acme-web-01/eth0',
      tenant: 'acme',
      firstSeen: new Date(3_000_000).toISOString(),
      lastSeen: new Date(3_000_000).toISOString(),
      mac: '52:54:00:a0:00:01',
      seenAt: { device: 'sw-r01', port: 'Gi1/0/5', vlan: 100 },
    },
  ]);
  const stray = (await f.app.inject({ url: '/v1/ip-addresses?status=seen-unallocated', headers: f.auth })).json<{ items: Array<{ address: string }> }>();
  assert.deepEqual(
    stray.items.map((i) => i.address),
    ['203.0.113.99'],
  );
  const pools = (await f.app.inject({ url: '/v1/pools', headers: f.auth })).json<{ items: Array<{ name: string; size: string; allocated: number }> }>();
  const pub = pools.items.find((p) => p.name === 'lab1-public')!;
  // C2: acme .10 .12 .13, globex .20 .21 (cache-01 and its .22 gone), the shaping limit .150,
  // the firewall's outside address .30 and the dedicated server ded-01's .50.
  assert.equal(pub.size, '245');
  assert.equal(pub.allocated, 8);
  const tenant = (await f.app.inject({ url: '/v1/tenants/acme', headers: f.auth })).json<{ tenant: { vms: number; vmRecords: Array<{ name: string }> } }>();
  assert.deepEqual(
    tenant.tenant.vmRecords.map((v) => v.name),
    ['acme-db-01', 'acme-web-01', 'acme-web-02'],
  );
  // Not only VMs: what inventory/model/tenant-holdings.ts derives (its dedicated server, the /29
  // routed to it, its private network in its VRF; globex's half-rack and firewall).
  const acme = tenant.tenant as unknown as Record<string, unknown>;
  assert.deepEqual(
    [acme.servers, acme.serverNames, acme.networkRecords, acme.vrfNames],
    [
      1,
      ['ded-01'],
      [
        { pool: 'acme-private-lan', cidr: '10.20.0.0/24', vrf: 'acme-private', routedTo: null },
        { pool: 'acme-routed', cidr: '198.51.100.248/29', vrf: null, routedTo: 'ded-01' },
      ],
      ['acme-private'],
    ],
  );
  assert.ok((acme.addressRecords as Array<{ address: string; holder: string }>).some((a) => a.address === '203.0.113.50' && a.holder === 'server/ded-01/eno1'));
  const globex = (await f.app.inject({ url: '/v1/tenants/globex', headers: f.auth })).json<{ tenant: Record<string, unknown> }>().tenant;
  assert.deepEqual(
    [globex.rackUnits, globex.deviceNames, globex.rackUnitRanges, globex.devices],
    [[{ rack: 'lab1-r03', from: 1, to: 21, face: null, reason: 'colocation half-rack' }], ['globex-fw-01'], 1, 1],
  );
  assert.ok(
    (globex.addressRecords as Array<{ address: string; vrf: string | null; holder: string }>).some(
      (a) => a.address === '10.20.0.2' && a.vrf === 'globex-private' && a.holder === 'device/globex-fw-01/inside',
    ),
  );
  const summaries = (await f.app.inject({ url: '/v1/tenants', headers: f.auth })).json<{ items: Array<Record<string, unknown>> }>().items;
  assert.deepEqual(
    summaries.map((s) => [s.name, s.servers, s.racks, s.rackUnitRanges, s.devices, s.networks]),
    [
      ['acme', 1, 0, 0, 0, 2],
      ['globex', 0, 0, 1, 1, 1],
    ],
  );
  assert.equal((await f.app.inject({ url: '/v1/tenants/nobody', headers: f.auth })).statusCode, 404);
});

test('?rev= of the older commit answers with that commit: its addresses, its VMs', async () => {
  const at = async (rev: string | null) => {
    const res = await f.app.inject({ url: `/v1/ip-addresses?tenant=acme&status=allocated${rev ? `&rev=${rev}` : ''}`, headers: f.auth });
    assert.equal(res.headers['x-pytin-revision'], rev ?? C2);
    return res.json<{ items: Array<{ address: string }> }>().items.map((i) => i.address);
  };
  assert.ok((await at(C1)).includes('203.0.113.11'));
  assert.ok(!(await at(C1)).includes('203.0.113.13'));
  assert.ok((await at(null)).includes('203.0.113.13'));
  const vms = (await f.app.inject({ url: `/v1/vms?rev=${C1}&tenant=globex`, headers: f.auth })).json<{ items: Array<{ name: string }> }>();
  assert.ok(vms.items.some((v) => v.name === 'globex-cache-01'));
  const unknown = await f.app.inject({ url: `/v1/vms?rev=${'f'.repeat(40)}`, headers: f.auth });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json<{ code: string }>().code, 'API_REVISION_UNKNOWN');
});

test('no token, a malformed or wrong one, and a revoked one are 401 on every data endpoint; health needs none', async () => {
  const other = await createApiToken(f.store, 'to-revoke', 5);
  assert.ok(other.created);
  await revokeApiToken(f.store, 'to-revoke', 6);
  const cases: Array<[Record<string, string>, string]> = [
    [{}, 'API_TOKEN_MISSING'],
    [{ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 'API_TOKEN_INVALID'],
    [{ authorization: 'Bearer nonsense' }, 'API_TOKEN_INVALID'],
    [{ authorization: `Bearer ${f.token.slice(0, -1)}${f.token.endsWith('A') ? 'B' : 'A'}` }, 'API_TOKEN_INVALID'],
    [{ authorization: `Bearer ${other.token}` }, 'API_TOKEN_INVALID'],
  ];
  for (const route of ROUTES) {
    for (const [headers, code] of cases) {
      const res = await f.app.inject({ url: urlOf(route.path), headers });
      assert.equal(res.statusCode, 401, `${route.path} ${JSON.stringify(headers)}`);
      assert.equal(res.json<{ code: string }>().code, code);
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
      assert.equal(res.headers['x-pytin-revision'], undefined, 'nothing about the state leaks before authentication');
    }
  }
});

test('every other method on every known path is 405 with Allow: GET, HEAD, even with a body; HEAD answers as GET without a body', async () => {
  for (const path of [...ROUTES.map((r) => urlOf(r.path)), '/v1/health', '/v1/openapi.json', '/v1/docs']) {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
      const res = await f.app.inject({ method, url: path, headers: { ...f.auth, 'content-type': 'application/json' }, payload: '{"x":' });
      assert.equal(res.statusCode, 405, `${method} ${path}`);
      assert.equal(res.headers.allow, 'GET, HEAD');
      assert.equal(res.json<{ code: string }>().code, 'API_METHOD_NOT_ALLOWED');
    }
  }
  const get = await f.app.inject({ url: '/v1/pools', headers: f.auth });
  const head = await f.app.inject({ method: 'HEAD', url: '/v1/pools', headers: f.auth });
  assert.equal(head.statusCode, 200);
  assert.equal(head.body, '');
  assert.equal(head.headers.etag, get.headers.etag);
  assert.equal(head.headers['x-pytin-revision'], C2);
  assert.equal((await f.app.inject({ url: '/v1/nothing-here', headers: f.auth })).statusCode, 404);
});

/** Values an attacker or a careless client might put in any filter. */
const HOSTILE = [
  "' OR '1'='1",
  '1; DROP TABLE api_tokens; --',
  "acme' --",
  '%',
  '_',
  '*',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '\u0000',
  'x'.repeat(201),
  '9'.repeat(200),
  '203.0.113.10/33',
  '203.0.113.010',
  '::ffff:203.0.113.10%eth0',
  '-1',
  '1e9',
  '{"$gt":""}',
  'acme\nX-Injected: 1',
];

test('hostile and oversized values in every filter of every endpoint are a 400 naming what is allowed, or an empty answer; never a 500', async () => {
  for (const route of ROUTES) {
    for (const name of Object.keys(routeFilters(route))) {
      for (const value of HOSTILE) {
        const res = await f.app.inject({ url: `${urlOf(route.path)}?${name}=${encodeURIComponent(value)}`, headers: f.auth });
        assert.ok(
          res.statusCode === 400 || res.statusCode === 200 || res.statusCode === 404,
          `${route.path}?${name}=${JSON.stringify(value)}: ${res.statusCode} ${res.body}`,
        );
        if (res.statusCode === 400) {
          const body = res.json<{ code: string; allowed?: string[] }>();
          assert.match(body.code, /^API_(FILTER_INVALID|CURSOR_INVALID)$/);
          if (body.code === 'API_FILTER_INVALID') assert.deepEqual(body.allowed, Object.keys(routeFilters(route)).sort());
        }
        if (res.statusCode === 200 && route.paginated) {
          // A hostile value admitted as a name matches nothing it should not: only limit may still list.
          const items = res.json<{ items: unknown[] }>().items;
          if (name !== 'limit') assert.equal(items.length, 0, `${route.path}?${name}=${JSON.stringify(value)}`);
        }
      }
    }
  }
  // The token table is still there and still works.
  assert.equal((await f.app.inject({ url: '/v1/pools', headers: f.auth })).statusCode, 200);
});

test('an unknown, repeated or malformed filter is a 400 that names the allowed ones', async () => {
  const unknown = await f.app.inject({ url: '/v1/ip-addresses?owner=acme', headers: f.auth });
  assert.equal(unknown.statusCode, 400);
  assert.deepEqual(unknown.json(), {
    code: 'API_FILTER_UNKNOWN',
    message: 'unknown query parameter "owner"; this endpoint takes: address, after, limit, pool, prefix, rev, status, tenant',
    allowed: ['address', 'after', 'limit', 'pool', 'prefix', 'rev', 'status', 'tenant'],
  });
  const repeated = await f.app.inject({ url: '/v1/ip-addresses?tenant=acme&tenant=globex', headers: f.auth });
  assert.equal(repeated.json<{ code: string }>().code, 'API_FILTER_INVALID');
  const status = await f.app.inject({ url: '/v1/ip-addresses?status=taken', headers: f.auth });
  assert.match(status.json<{ message: string }>().message, /must be one of allocated, free, reserved, seen-unallocated/);
  // limit is clamped, not refused.
  const big = await f.app.inject({ url: '/v1/ip-addresses?status=free&pool=lab1-public-v6&limit=99999', headers: f.auth });
  assert.equal(big.json<{ items: unknown[] }>().items.length, 1000);
});

test('cursors: paging visits every address once; a malformed, foreign-endpoint or other-revision cursor is 400; paging stays on its revision while a new commit is applied', async () => {
  const all = (await f.app.inject({ url: '/v1/ip-addresses?limit=1000', headers: f.auth }))
    .json<{ items: Array<{ address: string }> }>()
    .items.map((i) => i.address);
  const paged: string[] = [];
  let next: string | null = null;
  let pages = 0;
  do {
    const res: { json<T>(): T } = await f.app.inject({ url: `/v1/ip-addresses?limit=2${next ? `&after=${next}` : ''}`, headers: f.auth });
    const body: { items: Array<{ address: string }>; next: string | null } = res.json();
    paged.push(...body.items.map((i) => i.address));
    next = body.next;
    pages++;
  } while (next && pages < 100);
  assert.deepEqual(paged, all);

  const first = (await f.app.inject({ url: '/v1/ip-addresses?limit=2', headers: f.auth })).json<{ next: string }>();
  const malformed = [
    '!!!',
    'e30',
    Buffer.from('{"v":1,"r":"ip-addresses","c":"x","k":"1.2.3.4"}').toString('base64url'),
    first.next.slice(0, -3),
    'A'.repeat(190),
  ];
  for (const cursor of malformed) {
    const res = await f.app.inject({ url: `/v1/ip-addresses?after=${encodeURIComponent(cursor)}`, headers: f.auth });
    assert.equal(res.statusCode, 400, cursor);
    assert.equal(res.json<{ code: string }>().code, 'API_CURSOR_INVALID');
  }
  assert.equal((await f.app.inject({ url: `/v1/vms?after=${first.next}`, headers: f.auth })).statusCode, 400);
  assert.equal((await f.app.inject({ url: `/v1/ip-addresses?after=${first.next}&rev=${C1}`, headers: f.auth })).statusCode, 400);
  // A cursor read at C2 keeps reading C2 after a new commit is applied.
  const { recordApplied } = await import('../support/applied-store.js');
  const { labTexts } = await import('../support/lab-inventory.js');
  const C3 = '3'.repeat(40);
  await recordApplied(f.store, C3, labTexts(), 4_000_000);
  const second = await f.app.inject({ url: `/v1/ip-addresses?limit=2&after=${first.next}`, headers: f.auth });
  assert.equal(second.headers['x-pytin-revision'], C2);
  assert.deepEqual(
    second.json<{ items: Array<{ address: string }> }>().items.map((i) => i.address),
    all.slice(2, 4),
  );
  assert.equal((await f.app.inject({ url: '/v1/pools', headers: f.auth })).headers['x-pytin-revision'], C3);
});

test('ETag: If-None-Match gives 304 until the state changes; another query or a new observation gives another ETag', async () => {
  const first = await f.app.inject({ url: '/v1/ip-addresses?address=203.0.113.10', headers: f.auth });
  const etag = String(first.headers.etag);
  const again = await f.app.inject({ url: '/v1/ip-addresses?address=203.0.113.10', headers: { ...f.auth, 'if-none-match': etag } });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, '');
  assert.equal(again.headers['x-pytin-revision'], first.headers['x-pytin-revision']);
  // The same address written another way is the same query.
  const other = await f.app.inject({ url: '/v1/ip-addresses?address=203.0.113.010', headers: f.auth });
  assert.equal(other.statusCode, 400);
  const v6a = await f.app.inject({ url: `/v1/ip-addresses?address=${encodeURIComponent('2001:db8:10:0::10')}`, headers: f.auth });
  const v6b = await f.app.inject({ url: `/v1/ip-addresses?address=${encodeURIComponent('2001:DB8:10::10')}`, headers: f.auth });
  assert.equal(v6a.headers.etag, v6b.headers.etag);
  assert.notEqual((await f.app.inject({ url: '/v1/ip-addresses?address=203.0.113.12', headers: f.auth })).headers.etag, etag);
  await recordSightings(f.store, 'sw-r01', [{ ip: '203.0.113.10', mac: '52:54:00:a0:00:01', port: 'Gi1/0/6', vlan: 100 }], 5_000_000);
  const moved = await f.app.inject({ url: '/v1/ip-addresses?address=203.0.113.10', headers: { ...f.auth, 'if-none-match': etag } });
  assert.equal(moved.statusCode, 200);
  assert.equal(moved.json<{ items: Array<{ seenAt: { port: string } }> }>().items[0]?.seenAt.port, 'Gi1/0/6');
});

test('the OpenAPI document and the docs page are served without a token', async () => {
  const doc = await f.app.inject({ url: '/v1/openapi.json' });
  assert.equal(doc.statusCode, 200);
  assert.equal(doc.json<{ openapi: string }>().openapi, '3.1.0');
  const docs = await f.app.inject({ url: '/v1/docs' });
  assert.match(String(docs.headers['content-type']), /^text\/html/);
  assert.match(docs.body, /openapi\.json/);
});

test('rate limit per token: past the burst a 429 with Retry-After; another token is not affected', async () => {
  const g = await apiFixture({ rateLimit: { perMinute: 1, burst: 3 } });
  try {
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await g.app.inject({ url: '/v1/pools', headers: g.auth })).statusCode);
    assert.deepEqual(codes, [200, 200, 200, 429, 429]);
    const limited = await g.app.inject({ url: '/v1/pools', headers: g.auth });
    assert.equal(limited.json<{ code: string }>().code, 'API_RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    const second = await createApiToken(g.store, 'second', 1);
    assert.ok(second.created);
    assert.equal((await g.app.inject({ url: '/v1/pools', headers: { authorization: `Bearer ${second.token}` } })).statusCode, 200);
  } finally {
    await g.close();
  }
});

test('the access log has one structured line per request with the token name, never the token; CORS only for configured origins', async () => {
  const lines: string[] = [];
  const log = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const g = await apiFixture({ accessLog: log, corsOrigins: ['https://billing.example'] });
  try {
    await g.app.inject({ url: '/v1/pools', headers: { ...g.auth, origin: 'https://billing.example' } });
    await g.app.inject({ url: `/v1/pools?token=${g.token}`, headers: g.auth });
    const evil = await g.app.inject({ url: '/v1/pools', headers: { ...g.auth, origin: 'https://evil.example' } });
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
    const preflight = await g.app.inject({ method: 'OPTIONS', url: '/v1/pools', headers: { origin: 'https://billing.example' } });
    assert.equal(preflight.statusCode, 204);
    const allowed = await g.app.inject({ url: '/v1/pools', headers: { ...g.auth, origin: 'https://billing.example' } });
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://billing.example');
  } finally {
    await g.close();
  }
  const text = lines.join('\n');
  assert.ok(!text.includes(g.token), 'the token never reaches the log');
  assert.ok(!text.includes(g.token.slice(6)), 'not even its random part');
  const access = lines.map((l) => JSON.parse(l) as { msg: string; token?: string; status?: number; url?: string }).filter((l) => l.msg === 'access');
  assert.equal(access.length, 5);
  assert.equal(access[0]?.token, 'billing');
  assert.equal(access[0]?.status, 200);
  // Without configured origins no CORS header is ever sent.
  const plain = await f.app.inject({ url: '/v1/pools', headers: { ...f.auth, origin: 'https://billing.example' } });
  assert.equal(plain.headers['access-control-allow-origin'], undefined);
});

test('before any apply, data endpoints say so (503) and health answers with no revision', async () => {
  const g = await apiFixture({}, 'none');
  try {
    const res = await g.app.inject({ url: '/v1/vms', headers: g.auth });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json<{ code: string }>().code, 'API_NOTHING_APPLIED');
    assert.deepEqual((await g.app.inject({ url: '/v1/health' })).json(), { status: 'ok', revision: null });
  } finally {
    await g.close();
  }
});

test('without the answer cache every answer is computed again, byte for byte the same', async () => {
  const g = await apiFixture({ answerCacheBytes: 0 });
  try {
    for (const url of ['/v1/ip-addresses?limit=5', '/v1/tenants/acme', '/v1/pools']) {
      const computed = await g.app.inject({ url, headers: g.auth });
      const again = await g.app.inject({ url, headers: g.auth });
      assert.equal(computed.statusCode, 200);
      assert.equal(computed.body, again.body);
      assert.equal(computed.headers.etag, again.headers.etag);
      assert.equal((JSON.parse(computed.body) as { revision: string }).revision, C2);
    }
  } finally {
    await g.close();
  }
});
