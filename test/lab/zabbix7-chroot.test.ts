import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { debianMirror } from './zabbix7-chroot.js';

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
