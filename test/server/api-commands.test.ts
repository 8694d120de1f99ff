import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { COMMANDS } from '../../reconciler/cli/commands.js';
import { runCli } from '../../reconciler/cli/run-cli.js';
import { captureIO } from '../support/capture-io.js';
import { type ApiFixture, apiFixture, C2 } from './api-fixture.js';

let f: ApiFixture;
before(async () => {
  f = await apiFixture();
});
after(() => f?.close());

async function pytin(...args: string[]) {
  const io = captureIO();
  const code = await runCli(COMMANDS, [...args, '--store', f.path], io);
  return { code, out: io.out(), err: io.err() };
}

test('pytin token create prints the token once; it opens the API; list never shows it; revoke closes the API at once', async () => {
  const made = await pytin('token', 'create', '--name', 'invoicing');
  assert.equal(made.code, 0, made.err);
  const token = made.out.trim();
  assert.match(token, /^pytin_[A-Za-z0-9_-]{43}$/);
  assert.match(made.err, /shown this once/);
  const auth = { authorization: `Bearer ${token}` };
  assert.equal((await f.app.inject({ url: '/v1/tenants', headers: auth })).statusCode, 200);
  const again = await pytin('token', 'create', '--name', 'invoicing');
  assert.equal(again.code, 1);
  assert.match(again.err, /API_TOKEN_NAME_IN_USE/);
  const list = await pytin('token', 'list', '--json');
  assert.ok(!list.out.includes(token));
  assert.ok(list.out.split('\n').some((l) => l.includes('"name":"invoicing"') && l.includes('"revokedAt":null')));
  assert.equal((await pytin('token', 'revoke', '--name', 'invoicing')).code, 0);
  assert.equal((await f.app.inject({ url: '/v1/tenants', headers: auth })).statusCode, 401);
  const unknown = await pytin('token', 'revoke', '--name', 'invoicing');
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /API_TOKEN_UNKNOWN/);
  const bad = await pytin('token', 'create', '--name', 'Robert"); DROP TABLE');
  assert.equal(bad.code, 1);
});

test('pytin show ip/ADDR says whose it is and where it was last seen; vm/ and tenant/ too; --json carries the API fields', async () => {
  const ip = await pytin('show', 'ip/203.0.113.10');
  assert.equal(ip.code, 0, ip.err);
  assert.match(ip.out, /holder: +vm\/acme-web-01\/eth0/);
  assert.match(ip.out, /tenant: +acme/);
  assert.match(ip.out, /seen at: +sw-r01 port Gi1\/0\/5 vlan 100/);
  assert.match(ip.out, /MAC: +52:54:00:a0:00:01/);
  const json = JSON.parse((await pytin('show', 'ip/203.0.113.10', '--json')).out) as Record<string, unknown>;
  assert.equal(json.revision, C2);
  assert.equal(json.pool, 'lab1-public');
  assert.equal((json.history as unknown[]).length, 1);
  const free = await pytin('show', 'ip/203.0.113.100');
  assert.match(free.out, /status: +free/);
  const vm = await pytin('show', 'vm/acme-web-02');
  assert.match(vm.out, /203\.0\.113\.13/);
  const tenant = await pytin('show', 'tenant/globex', '--json');
  assert.deepEqual(
    (JSON.parse(tenant.out) as { vmRecords: Array<{ name: string }> }).vmRecords.map((v) => v.name),
    ['globex-app-01', 'globex-app-02'],
  );
  const missing = await pytin('show', 'vm/nobody');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /API_SHOW_NOT_FOUND/);
  const outside = await pytin('show', 'ip/192.0.2.1');
  assert.equal(outside.code, 1);
  assert.equal((await pytin('show', 'ip/not-an-ip')).code, 1);
  assert.equal((await pytin('show', 'host/x')).code, 1);
});

test('pytin serve listens on loopback on a real port, answers over TCP, and stops on SIGTERM', async (t) => {
  const made = await pytin('token', 'create', '--name', 'served');
  const token = made.out.trim();
  const cli = fileURLToPath(new URL('../../reconciler/cli/pytin.js', import.meta.url));
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--store', f.path], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  const address = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  const health = await fetch(`${address}/v1/health`);
  assert.equal(health.status, 200);
  assert.equal(health.headers.get('x-pytin-revision'), C2);
  const pools = await fetch(`${address}/v1/pools`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(pools.status, 200);
  assert.ok(((await pools.json()) as { items: unknown[] }).items.length > 0);
  assert.equal((await fetch(`${address}/v1/pools`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status, 405);
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
});
