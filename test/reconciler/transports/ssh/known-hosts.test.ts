import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';

import { fingerprint, hostKeyFromBlob } from '../../../../reconciler/transports/ssh/host-key.js';
import { checkHostKey } from '../../../../reconciler/transports/ssh/host-key-check.js';
import { entriesFor, knownHostsName, parseKnownHosts, patternsMatch } from '../../../../reconciler/transports/ssh/known-hosts.js';

// Real keys generated with ssh-keygen -t ed25519 (public halves only).
const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIMpRyjDh6eLBiYiyII5dyuGu4eyXHqvx/i/E3VgEebCl';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIPYk+P+EuCURbbgnXvCu1fwyOp1i98mmLZ5U5U+0gSyc';
const keyOf = (base64: string) => hostKeyFromBlob(Buffer.from(base64, 'base64'));

test('a non-22 port is written [host]:port, port 22 is the bare host', () => {
  assert.equal(knownHostsName('127.0.0.1', 2222), '[127.0.0.1]:2222');
  assert.equal(knownHostsName('hv1.example', 22), 'hv1.example');
});

test('patterns: lists, wildcards, negation and hashed names', () => {
  assert.ok(patternsMatch('hv1,[127.0.0.1]:2222', '[127.0.0.1]:2222'));
  assert.ok(patternsMatch('hv*.example', 'hv7.example'));
  assert.ok(!patternsMatch('hv*.example,!hv7.example', 'hv7.example'));
  const salt = Buffer.from('0123456789abcdef0123');
  const hash = createHmac('sha1', salt).update('[127.0.0.1]:2222').digest('base64');
  assert.ok(patternsMatch(`|1|${salt.toString('base64')}|${hash}`, '[127.0.0.1]:2222'));
  assert.ok(!patternsMatch(`|1|${salt.toString('base64')}|${hash}`, '[127.0.0.1]:2223'));
});

test('parsing skips comments, CA markers and lines whose type disagrees with the key', () => {
  const entries = parseKnownHosts(
    [
      '# comment',
      `[127.0.0.1]:2222 ssh-ed25519 ${KEY_A} root@hv1`,
      `@cert-authority *.example ssh-ed25519 ${KEY_B}`,
      `@revoked [127.0.0.1]:2223 ssh-ed25519 ${KEY_B}`,
      `[127.0.0.1]:2224 ssh-rsa ${KEY_A}`,
      'garbage',
    ].join('\n'),
  );
  assert.deepEqual(
    entries.map((e) => [e.line, e.patterns, e.revoked]),
    [
      [2, '[127.0.0.1]:2222', false],
      [4, '[127.0.0.1]:2223', true],
    ],
  );
});

test('verdicts: known, unknown, changed (naming both fingerprints) and revoked', () => {
  const entries = parseKnownHosts(`[h]:1 ssh-ed25519 ${KEY_A}\n@revoked [h]:3 ssh-ed25519 ${KEY_B}\n`);
  assert.deepEqual(checkHostKey(entriesFor(entries, 'h', 1), keyOf(KEY_A)), { verdict: 'known' });
  assert.deepEqual(checkHostKey(entriesFor(entries, 'h', 2), keyOf(KEY_B)), { verdict: 'unknown' });
  assert.deepEqual(checkHostKey(entriesFor(entries, 'h', 1), keyOf(KEY_B)), {
    verdict: 'changed',
    presented: fingerprint(keyOf(KEY_B)),
    pinned: [`ssh-ed25519 ${fingerprint(keyOf(KEY_A))}`],
  });
  assert.equal(checkHostKey(entriesFor(entries, 'h', 3), keyOf(KEY_B)).verdict, 'revoked');
});

test('fingerprints are SHA256 base64 without padding, as ssh-keygen -l prints', () => {
  // ssh-keygen -lf of KEY_A printed this.
  assert.equal(fingerprint(keyOf(KEY_A)), 'SHA256:LDyGi02sjazJAH/W067feMiZNOX7B2gjvuQ9zx/WYeg');
});

test('a trusted key is appended on a line of its own, also after a last line without newline', async (t) => {
  const { makeTempDir } = await import('../../../lab/daemon.js');
  const { appendKnownHost, readKnownHosts } = await import('../../../../reconciler/transports/ssh/known-hosts.js');
  const { writeFile, readFile } = await import('node:fs/promises');
  const dir = await makeTempDir('known-hosts');
  t.after(() => dir.remove());
  const file = `${dir.path}/known_hosts`;
  await writeFile(file, `hv1 ssh-ed25519 ${KEY_A}`);
  await appendKnownHost(file, '127.0.0.1', 2222, keyOf(KEY_B));
  assert.equal(await readFile(file, 'utf8'), `hv1 ssh-ed25519 ${KEY_A}\n[127.0.0.1]:2222 ssh-ed25519 ${KEY_B}\n`);
  assert.equal((await readKnownHosts(file)).length, 2);
});
