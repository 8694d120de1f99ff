import assert from 'node:assert/strict';
import { after, before, test as nodeTest, type TestContext } from 'node:test';

import { TransportError } from '../../../../inventory/core/errors.js';
import { Secret } from '../../../../inventory/secrets/secret.js';
import { ZabbixClient } from '../../../../reconciler/transports/zabbix/zabbix-client.js';
import { ZabbixApiError } from '../../../../reconciler/transports/zabbix/zabbix-error.js';
import { type LabZabbix, startLabZabbix, type ZabbixGeneration } from '../../../lab/zabbix.js';

/** The client against a real Zabbix frontend API of `generation` on loopback (6.0: bookworm's
 * package; 7.0: Debian 13's, in the lab's chroot). Each generation's test file registers the same
 * cases; test titles start with the generation. */
export function registerZabbixClientSuite(generation: ZabbixGeneration): void {
  // node:test runs registered tests in order; the promise test() returns is the runner's to await.
  const test = (name: string, fn: (t: TestContext) => Promise<void>): void => void nodeTest(`${generation}: ${name}`, fn);
  let zabbix: LabZabbix;
  before(async () => {
    zabbix = await startLabZabbix(generation);
  });
  after(() => zabbix?.stop());

  const admin = { username: 'Admin', password: new Secret('zabbix') };

  test('version first, login with username, the session where the version wants it (6.0 the body, 7.0 a Bearer header), logout ends the session', async () => {
    const calls: string[] = [];
    const client = await ZabbixClient.connect({ url: zabbix.url, credentials: admin, onCall: (m) => calls.push(m) });
    assert.match(client.features.version.text, new RegExp(`^${generation.replace('.', '\\.')}\\.\\d+$`));
    assert.equal(client.features.credential, generation === '6.0' ? 'body-auth' : 'bearer-header');
    const groups = await client.call<Array<{ name: string }>>('hostgroup.get', { output: ['name'], filter: { name: ['Linux servers'] } });
    assert.deepEqual(
      groups.map((g) => g.name),
      ['Linux servers'],
    );
    assert.equal((await zabbix.sql('SELECT count(*) FROM sessions WHERE status = 0 AND userid = 1')).trim(), '1');
    await client.close();
    assert.deepEqual(calls, ['apiinfo.version', 'user.login', 'hostgroup.get', 'user.logout']);
    // Zabbix itself says the session is over (status 1 = passive).
    assert.equal((await zabbix.sql('SELECT count(*) FROM sessions WHERE status = 0 AND userid = 1')).trim(), '0');
  });

  test('an API token is preferred: no login and no logout', async () => {
    const login = await ZabbixClient.connect({ url: zabbix.url, credentials: admin });
    const created = await login.call<{ tokenids: string[] }>('token.create', { name: 'pytin-test', userid: '1' });
    const generated = await login.call<Array<{ token: string }>>('token.generate', created.tokenids);
    await login.close();
    const calls: string[] = [];
    const client = await ZabbixClient.connect({ url: zabbix.url, credentials: { token: new Secret(generated[0]!.token) }, onCall: (m) => calls.push(m) });
    const hosts = await client.call<unknown[]>('host.get', { output: ['hostid'], filter: { host: ['Zabbix server'] } });
    assert.equal(hosts.length, 1);
    await client.close();
    assert.deepEqual(calls, ['apiinfo.version', 'host.get']);
  });

  test("a refused call carries Zabbix's own message and data, never the password", async () => {
    const error = await ZabbixClient.connect({ url: zabbix.url, credentials: { username: 'Admin', password: new Secret('not-the-password') } }).then(
      () => assert.fail('logged in with a wrong password'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ZabbixApiError);
    assert.equal(error.method, 'user.login');
    assert.match(error.zabbixData, /Incorrect user name or password/);
    assert.ok(!error.message.includes('not-the-password'));
    const client = await ZabbixClient.connect({ url: zabbix.url, credentials: admin });
    const duplicate = await client.call('hostgroup.create', { name: 'Linux servers' }).catch((e: unknown) => e);
    await client.close();
    assert.ok(duplicate instanceof ZabbixApiError);
    assert.match(duplicate.message, /Linux servers.*already exists/);
  });

  test('batched writes: five groups in three calls of two', async () => {
    const calls: string[] = [];
    const client = await ZabbixClient.connect({ url: zabbix.url, credentials: admin, onCall: (m) => calls.push(m), batchSize: 2 });
    const names = ['batch-a', 'batch-b', 'batch-c', 'batch-d', 'batch-e'];
    await client.callInBatches(
      'hostgroup.create',
      names.map((name) => ({ name })),
    );
    const found = await client.call<Array<{ name: string }>>('hostgroup.get', { output: ['name'], filter: { name: names } });
    await client.close();
    assert.deepEqual(found.map((g) => g.name).sort(), names);
    assert.deepEqual(calls.slice(2, 5), ['hostgroup.create', 'hostgroup.create', 'hostgroup.create']);
  });

  test('a read is retried with backoff while the frontend is down and succeeds once it is back', async () => {
    const calls: string[] = [];
    const client = await ZabbixClient.connect({
      url: zabbix.url,
      credentials: admin,
      retry: { attempts: 60, baseDelayMs: 50 },
      onCall: (m) => calls.push(m),
    });
    await zabbix.stopFrontend();
    let restarted: Promise<void> | undefined;
    try {
      // Restart the frontend once the client has seen it down twice: event-driven, not timed.
      const waiting = client.call<unknown[]>('host.get', { output: ['hostid'] });
      const seenTwice = async () => {
        while (calls.filter((c) => c === 'host.get').length < 2) await new Promise((r) => setTimeout(r, 10));
      };
      restarted = seenTwice().then(() => zabbix.startFrontend());
      const hosts = await waiting;
      assert.ok(hosts.length >= 1);
      assert.ok(calls.filter((c) => c === 'host.get').length >= 3, 'the read was tried again after the failures');
    } finally {
      await restarted;
      await client.close();
    }
  });

  test('with the frontend down, a write is tried only while nothing can have reached it, then fails as a TransportError', async () => {
    const client = await ZabbixClient.connect({ url: zabbix.url, credentials: admin, retry: { attempts: 3, baseDelayMs: 10 } });
    await zabbix.stopFrontend();
    try {
      const error = await client.call('hostgroup.create', { name: 'never' }).catch((e: unknown) => e);
      assert.ok(error instanceof TransportError);
      assert.match(error.message, /could not be reached for hostgroup.create \(ECONNREFUSED\)/);
    } finally {
      await zabbix.startFrontend();
    }
    assert.equal(await client.call<unknown[]>('hostgroup.get', { filter: { name: ['never'] } }).then((g) => g.length), 0);
    await client.close();
  });
}
