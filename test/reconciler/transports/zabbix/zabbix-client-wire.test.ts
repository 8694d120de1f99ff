import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { type AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';

import { Secret } from '../../../../inventory/secrets/secret.js';
import { ZabbixClient } from '../../../../reconciler/transports/zabbix/zabbix-client.js';

// What the client puts on the wire for the releases no package here provides (6.4, 7.2). The
// answers below are NOT recordings of a real 6.4 or 7.2 server: they are written by hand from the
// Zabbix API documentation (apiinfo.version returns the version string; user.login returns a
// session id; 7.2 rejects a body `auth` with "Invalid parameter "/": unexpected parameter "auth"").
// The real 6.0 behaviour is tested against a real Zabbix in zabbix-client.test.ts.

interface Seen {
  method: string;
  authorization: string | undefined;
  bodyAuth: unknown;
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

/** A loopback JSON-RPC endpoint answering like the Zabbix `version` documentation says. */
async function documentedZabbix(t: TestContext, version: string): Promise<{ url: string; seen: Seen[]; maxInFlight: () => number }> {
  const seen: Seen[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const removesBodyAuth = Number(version.split('.')[0]) * 100 + Number(version.split('.')[1]) >= 702;
  const server = createServer((request, response) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    void readBody(request).then((text) => {
      const body = JSON.parse(text) as { method: string; id: number; auth?: unknown };
      seen.push({ method: body.method, authorization: request.headers.authorization, bodyAuth: body.auth });
      const answer = (payload: object) => {
        // Answer on the next turn so overlapping requests, if the client made any, would be seen.
        setImmediate(() => {
          inFlight--;
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify({ jsonrpc: '2.0', id: body.id, ...payload }));
        });
      };
      if (removesBodyAuth && body.auth !== undefined)
        return answer({ error: { code: -32602, message: 'Invalid params.', data: 'Invalid parameter "/": unexpected parameter "auth".' } });
      if (body.method === 'apiinfo.version') return answer({ result: version });
      if (body.method === 'user.login') return answer({ result: '0424bd59b807674191e7d77572075f33' });
      return answer({ result: [] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api_jsonrpc.php`, seen, maxInFlight: () => maxInFlight };
}

for (const { version, where } of [
  { version: '6.4.0', where: 'header' },
  { version: '7.2.0', where: 'header' },
  { version: '6.0.14', where: 'body' },
] as const) {
  test(`Zabbix ${version}: the session goes in the ${where}, user.login uses username`, async (t) => {
    const zabbix = await documentedZabbix(t, version);
    const client = await ZabbixClient.connect({ url: zabbix.url, credentials: { username: 'Admin', password: new Secret('zabbix') } });
    await client.call('host.get', { output: ['hostid'] });
    await client.close();
    assert.deepEqual(
      zabbix.seen.map((s) => s.method),
      ['apiinfo.version', 'user.login', 'host.get', 'user.logout'],
    );
    const afterLogin = zabbix.seen.slice(2);
    for (const s of afterLogin) {
      if (where === 'header') {
        assert.equal(s.authorization, 'Bearer 0424bd59b807674191e7d77572075f33');
        assert.equal(s.bodyAuth, undefined);
      } else {
        assert.equal(s.bodyAuth, '0424bd59b807674191e7d77572075f33');
        assert.equal(s.authorization, undefined);
      }
    }
    // Neither the version call nor the login carries a credential.
    assert.ok(zabbix.seen.slice(0, 2).every((s) => s.authorization === undefined && s.bodyAuth === undefined));
  });
}

test('a token is used as it is: no login, no logout, Bearer on 7.2', async (t) => {
  const zabbix = await documentedZabbix(t, '7.2.0');
  const client = await ZabbixClient.connect({ url: zabbix.url, credentials: { token: new Secret('t0ken-value') } });
  await client.call('hostgroup.get', {});
  await client.close();
  assert.deepEqual(
    zabbix.seen.map((s) => [s.method, s.authorization ?? null]),
    [
      ['apiinfo.version', null],
      ['hostgroup.get', 'Bearer t0ken-value'],
    ],
  );
});

test('calls made at once reach the frontend one after the other, in the order made', async (t) => {
  const zabbix = await documentedZabbix(t, '6.0.14');
  const client = await ZabbixClient.connect({ url: zabbix.url, credentials: { token: new Secret('x') } });
  await Promise.all(['a.get', 'b.get', 'c.get', 'd.get', 'e.get'].map((m) => client.call(m, {})));
  assert.deepEqual(
    zabbix.seen.slice(1).map((s) => s.method),
    ['a.get', 'b.get', 'c.get', 'd.get', 'e.get'],
  );
  assert.equal(zabbix.maxInFlight(), 1);
});
