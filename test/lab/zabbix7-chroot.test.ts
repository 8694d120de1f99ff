import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { makeTempDir } from './daemon.js';
import { debianMirror, ZABBIX7_SCRIPT } from './zabbix7-chroot.js';

const run = promisify(execFile);

// The 7.0 chroot is built from the Debian archive this machine's apt uses, and from no other
// address: the mirror is read from the deb822 sources, never typed into the lab.

test("the mirror is the first non-security archive of this machine's apt sources", () => {
  const sources = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
  const mirror = debianMirror(sources);
  assert.ok(sources.includes(`URIs: ${mirror}\n`), mirror);
  assert.doesNotMatch(mirror, /security/);
});

test('a security archive listed first is skipped', () => {
  const sources = [
    'Types: deb',
    'URIs: http://security.example.org/debian-security',
    'Suites: bookworm-security',
    '',
    'Types: deb',
    'URIs: http://mirror.example.org/debian http://second.example.org/debian',
    'Suites: bookworm bookworm-updates',
    '',
  ].join('\n');
  assert.equal(debianMirror(sources), 'http://mirror.example.org/debian');
});

test('the attack: a sources entry that is not a plain http(s) URL never reaches debootstrap', () => {
  for (const uri of ['http://mirror.example.org/debian;touch${IFS}/tmp/x', 'file:///etc/passwd', 'http://mirror.example.org/$(id)', '--foreign']) {
    assert.throws(() => debianMirror(`Types: deb\nURIs: ${uri}\nSuites: trixie\n`), /is not a plain http\(s\) mirror URL/, uri);
  }
  assert.throws(() => debianMirror('Types: deb\nURIs: http://s.example.org/x\nSuites: bookworm-security\n'), /names no Debian archive/);
});

// The build's marker logic, with real debootstrap against a loopback port nobody listens on (it
// fails at once, before downloading anything): never the shared cache, never the network.
const REFUSED_MIRROR = 'http://127.0.0.1:9/debian';

test('a chroot a killed build left behind (no marker) is removed and built again; a failed build writes no marker', async (t) => {
  const cache = await makeTempDir('zabbix7-cache');
  t.after(() => cache.remove());
  mkdirSync(`${cache.path}/root/half-built`, { recursive: true });
  writeFileSync(`${cache.path}/root/half-built/file`, '');
  const failed = await run('bash', [ZABBIX7_SCRIPT, 'build', cache.path, REFUSED_MIRROR]).catch((e: Error & { stderr: string }) => e);
  assert.ok(failed instanceof Error, 'the build did not fail');
  assert.match(failed.stderr, /Failed getting release file http:\/\/127\.0\.0\.1:9\/debian/);
  assert.equal(existsSync(`${cache.path}/root/half-built`), false, 'the half-built chroot was kept');
  assert.equal(existsSync(`${cache.path}/root.complete`), false);
});

test('a completed chroot (its marker written) is not built again', async (t) => {
  const cache = await makeTempDir('zabbix7-cache');
  t.after(() => cache.remove());
  mkdirSync(`${cache.path}/root/etc`, { recursive: true });
  writeFileSync(`${cache.path}/root/etc/kept`, '');
  writeFileSync(`${cache.path}/root.complete`, '1:7.0.22');
  await run('bash', [ZABBIX7_SCRIPT, 'build', cache.path, REFUSED_MIRROR]);
  assert.equal(existsSync(`${cache.path}/root/etc/kept`), true);
});
