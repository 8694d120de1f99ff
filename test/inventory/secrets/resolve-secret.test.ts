import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inspect } from 'node:util';

import { resolveSecret } from '../../../inventory/secrets/resolve-secret.js';
import { Secret } from '../../../inventory/secrets/secret.js';
import type { SecretPolicy } from '../../../inventory/secrets/secret-policy.js';
import { makeTempDir } from '../../lab/daemon.js';

function policy(dir: string, overrides: Partial<SecretPolicy> = {}): SecretPolicy {
  return { env: {}, allowedEnv: ['PYTIN_SECRET_*'], dir, maxFileBytes: 1024, destinations: [], ...overrides };
}

const use = { what: 'the community of snmp-credentials/x', address: 'switch/sw-1' };

test('env and file references resolve; a trailing newline is not part of the secret', async (t) => {
  const dir = await makeTempDir('secret');
  t.after(dir.remove);
  writeFileSync(join(dir.path, 'community'), 's3cret\n');
  const fromEnv = resolveSecret({ env: 'PYTIN_SECRET_TOKEN' }, policy(dir.path, { env: { PYTIN_SECRET_TOKEN: 'tok' } }), use);
  const fromFile = resolveSecret({ file: 'community' }, policy(dir.path), use);
  const absolute = resolveSecret({ file: join(dir.path, 'community') }, policy(dir.path), use);
  assert.ok(fromEnv instanceof Secret && fromFile instanceof Secret && absolute instanceof Secret);
  assert.equal(fromEnv.reveal(), 'tok');
  assert.equal(fromFile.reveal(), 's3cret');
  assert.equal(absolute.reveal(), 's3cret');
});

test('a resolved secret never prints', () => {
  const secret = new Secret('hunter2');
  const shown = [String(secret), `${secret}`, JSON.stringify({ secret }), inspect({ secret }), inspect(secret)].join(' ');
  assert.doesNotMatch(shown, /hunter2/);
  assert.match(shown, /\[redacted\]/);
});

test('a missing variable or file is a diagnostic naming the reference, not the value', async (t) => {
  const dir = await makeTempDir('secret');
  t.after(dir.remove);
  const env = resolveSecret({ env: 'PYTIN_SECRET_NOPE' }, policy(dir.path), use);
  assert.ok(!(env instanceof Secret));
  assert.equal(env.code, 'INV_SECRET_ENV_MISSING');
  assert.match(env.summary, /PYTIN_SECRET_NOPE, which is not set/);
  const file = resolveSecret({ file: 'missing-key' }, policy(dir.path), use);
  assert.ok(!(file instanceof Secret));
  assert.equal(file.code, 'INV_SECRET_FILE_UNREADABLE');
  assert.match(file.summary, /missing-key, which does not exist/);
});

// The attacks of a branch that controls the inventory but not the operator's configuration.

test('attack: {file: /etc/shadow} or a path that climbs out of the secrets folder is never read', async (t) => {
  const root = await makeTempDir('secret');
  t.after(root.remove);
  const secrets = join(root.path, 'secrets');
  mkdirSync(secrets);
  writeFileSync(join(root.path, 'ci-ssh-key'), 'PRIVATE KEY OF CI\n');
  for (const file of ['/etc/passwd', '../ci-ssh-key', join(root.path, 'ci-ssh-key'), 'sub/../../ci-ssh-key']) {
    const result = resolveSecret({ file }, policy(secrets), use);
    assert.ok(!(result instanceof Secret), file);
    assert.equal(result.code, 'INV_SECRET_FILE_OUTSIDE_SECRETS_DIR', file);
    assert.doesNotMatch(JSON.stringify(result), /PRIVATE KEY|root:x:0/);
  }
});

test('attack: a symbolic link in the secrets folder that leads out of it is refused', async (t) => {
  const root = await makeTempDir('secret');
  t.after(root.remove);
  const secrets = join(root.path, 'secrets');
  mkdirSync(secrets);
  writeFileSync(join(root.path, 'outside'), 'not a secret for the inventory\n');
  symlinkSync(join(root.path, 'outside'), join(secrets, 'link'));
  const result = resolveSecret({ file: 'link' }, policy(secrets), use);
  assert.ok(!(result instanceof Secret));
  assert.equal(result.code, 'INV_SECRET_FILE_OUTSIDE_SECRETS_DIR');
});

test('attack: {file: /dev/zero} and a FIFO are refused at once (no 2 GB read, no hang); a large file is refused by size', async (t) => {
  const secrets = await makeTempDir('secret');
  t.after(secrets.remove);
  symlinkSync('/dev/zero', join(secrets.path, 'zero'));
  execFileSync('mkfifo', [join(secrets.path, 'fifo')]);
  writeFileSync(join(secrets.path, 'big'), Buffer.alloc(4096, 'a'));
  const zero = resolveSecret({ file: '/dev/zero' }, policy(secrets.path), use);
  assert.ok(!(zero instanceof Secret) && zero.code === 'INV_SECRET_FILE_OUTSIDE_SECRETS_DIR');
  const linkedZero = resolveSecret({ file: 'zero' }, policy(secrets.path), use);
  assert.ok(!(linkedZero instanceof Secret) && linkedZero.code === 'INV_SECRET_FILE_OUTSIDE_SECRETS_DIR');
  const fifo = resolveSecret({ file: 'fifo' }, policy(secrets.path), use);
  assert.ok(!(fifo instanceof Secret) && fifo.code === 'INV_SECRET_FILE_NOT_REGULAR');
  const big = resolveSecret({ file: 'big' }, policy(secrets.path), use);
  assert.ok(!(big instanceof Secret) && big.code === 'INV_SECRET_FILE_TOO_LARGE');
});

test('attack: {env: ANY_VAR} reads only the variables the operator allows', () => {
  const env = { AWS_SECRET_ACCESS_KEY: 'aws', PYTIN_SECRET_COMMUNITY: 'public', PYTIN_LAB: 'lab' };
  const denied = resolveSecret({ env: 'AWS_SECRET_ACCESS_KEY' }, policy('/nonexistent', { env }), use);
  assert.ok(!(denied instanceof Secret) && denied.code === 'INV_SECRET_ENV_NOT_ALLOWED');
  assert.doesNotMatch(JSON.stringify(denied), /"aws"/);
  assert.ok(resolveSecret({ env: 'PYTIN_SECRET_COMMUNITY' }, policy('/nonexistent', { env }), use) instanceof Secret);
  assert.ok(resolveSecret({ env: 'PYTIN_LAB' }, policy('/nonexistent', { env, allowedEnv: ['PYTIN_LAB'] }), use) instanceof Secret);
  const prefixOnly = resolveSecret({ env: 'PYTIN_LAB' }, policy('/nonexistent', { env, allowedEnv: ['PYTIN_LA'] }), use);
  assert.ok(!(prefixOnly instanceof Secret), 'an exact name is not a prefix');
});

test('attack: a secret pinned to its hosts is refused for any other destination, before anything is read', () => {
  const env = { PYTIN_SECRET_COMMUNITY: 'public' };
  const pinned = policy('/nonexistent', {
    env,
    destinations: [{ secret: { env: 'PYTIN_SECRET_COMMUNITY' }, hosts: ['10.20.0.0/16', 'sw.mgmt.example.net', '*.oob.example.net'] }],
  });
  for (const destination of ['10.20.3.4', 'sw.mgmt.example.net', 'SW.MGMT.example.net', 'r1.oob.example.net']) {
    assert.ok(resolveSecret({ env: 'PYTIN_SECRET_COMMUNITY' }, pinned, { ...use, destination }) instanceof Secret, destination);
  }
  for (const destination of ['203.0.113.66', 'attacker.example.com', 'oob.example.net.attacker.com', '10.21.0.1', 'mgmt.example.net']) {
    const refused = resolveSecret({ env: 'PYTIN_SECRET_COMMUNITY' }, pinned, { ...use, destination });
    assert.ok(!(refused instanceof Secret), destination);
    assert.equal(refused.code, 'INV_SECRET_DESTINATION_REFUSED');
  }
});

test('the secrets folder itself may be reached through a symbolic link', async (t) => {
  const root = await makeTempDir('secret');
  t.after(root.remove);
  mkdirSync(join(root.path, 'real'));
  writeFileSync(join(root.path, 'real', 'key'), 'k\n');
  execFileSync('ln', ['-s', join(root.path, 'real'), join(root.path, 'secrets')]);
  const result = resolveSecret({ file: 'key' }, policy(join(root.path, 'secrets')), use);
  assert.ok(result instanceof Secret);
});
