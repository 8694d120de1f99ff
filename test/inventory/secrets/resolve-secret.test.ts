import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { resolveSecret } from '../../../inventory/secrets/resolve-secret.js';
import { Secret } from '../../../inventory/secrets/secret.js';
import { makeTempDir } from '../../lab/daemon.js';

test('env and file references resolve; a trailing newline is not part of the secret', async (t) => {
  const dir = await makeTempDir('secret');
  t.after(dir.remove);
  writeFileSync(join(dir.path, 'community'), 's3cret\n');
  const fromEnv = resolveSecret({ env: 'LAB_TOKEN' }, { env: { LAB_TOKEN: 'tok' }, baseDir: dir.path }, 'zabbix token');
  const fromFile = resolveSecret({ file: 'community' }, { env: {}, baseDir: dir.path }, 'community');
  assert.ok(fromEnv instanceof Secret && fromFile instanceof Secret);
  assert.equal(fromEnv.reveal(), 'tok');
  assert.equal(fromFile.reveal(), 's3cret');
});

test('a resolved secret never prints', () => {
  const secret = new Secret('hunter2');
  const shown = [String(secret), `${secret}`, JSON.stringify({ secret }), inspect({ secret }), inspect(secret)].join(' ');
  assert.doesNotMatch(shown, /hunter2/);
  assert.match(shown, /\[redacted\]/);
});

test('a missing variable or file is a diagnostic naming the reference, not the value', () => {
  const env = resolveSecret({ env: 'NOPE' }, { env: {}, baseDir: '/' }, 'SNMP community of sw-1', 'snmp-credentials/x');
  assert.ok(!(env instanceof Secret));
  assert.equal(env.code, 'INV_SECRET_ENV_MISSING');
  assert.match(env.summary, /NOPE, which is not set/);
  const file = resolveSecret({ file: 'missing-key' }, { env: {}, baseDir: '/nonexistent' }, 'SSH key');
  assert.ok(!(file instanceof Secret));
  assert.equal(file.code, 'INV_SECRET_FILE_UNREADABLE');
  assert.match(file.summary, /\/nonexistent\/missing-key, which does not exist/);
});
