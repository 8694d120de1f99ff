import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { isInterfaceName, isStoragePoolName } from '../../schemas/formats/device-names.js';
import { isLibvirtUri, parseLibvirtUri } from '../../schemas/formats/libvirt-uri.js';
import { isBackupTarget, isHostPath, isInventoryPath, isProgram, systemFolderOf } from '../../schemas/formats/paths.js';
import { SINK_FORMAT_NAMES } from '../../schemas/formats/sink-format-names.js';
import { isHttpUrl, isInstallTree } from '../../schemas/formats/urls.js';

// The formats of values that reach a shell, a cron line, a URI, an option string or a file name
// (issue 8). Every whitespace, control and line-break character is refused by each of them.
const BREAKERS = ['\n', '\r', '\v', '\f', '\t', '\0', '\x1b', '\x7f', '\x85', '\u00a0', '\u2028', '\u2029', '\ufeff', ' '];

function refusesBreakers(predicate: (text: string) => boolean, good: string): void {
  assert.equal(predicate(good), true, good);
  for (const c of BREAKERS) {
    for (const text of [`${good}${c}`, `${c}${good}`, `${good.slice(0, 1)}${c}${good.slice(1)}`]) assert.equal(predicate(text), false, JSON.stringify(text));
  }
}

test('libvirt URIs: the lab and real local or TLS connections are accepted', () => {
  for (const good of [
    'qemu:///system',
    'qemu:///session',
    'test:///default',
    'test+unix:///default?socket=/run/pytin-lab/hv-01/libvirt-sock',
    'qemu+unix:///system?socket=/var/run/libvirt/libvirt-sock&mode=legacy',
    'qemu+tls://hv-01.example.net/system',
    'qemu+tcp://192.0.2.10:16509/system',
    'qemu://[2001:db8::1]/system',
    'test:///tmp/pytin-x/node.xml',
  ]) {
    assert.equal(isLibvirtUri(good), true, good);
  }
  assert.deepEqual([...parseLibvirtUri('test+unix:///default?socket=/run/x/libvirt-sock')!.params], [['socket', '/run/x/libvirt-sock']]);
});

test('libvirt URIs: transports and parameters that run programs or read files are refused', () => {
  for (const bad of [
    'qemu+ext:///system?command=/tmp/evil.sh',
    'qemu+ssh://root@hv-01/system',
    'qemu+ssh://hv-01/system?command=/tmp/evil.sh',
    'qemu+ssh://hv-01/system?netcat=touch%20/tmp/x',
    'qemu+libssh2://hv-01/system?known_hosts=/etc/shadow',
    'qemu+libssh://hv-01/system',
    'qemu+tls://hv-01/system?pkipath=/root/.ssh',
    'qemu+tls://hv-01/system?no_verify=1',
    'qemu:///system?name=qemu+ext:///system',
    'qemu:///system?keyfile=/root/.ssh/id_rsa',
    'qemu:///system?proxy=netcat',
    'qemu:///system?socket=/run/../etc/x',
    'qemu:///system?socket=/run/x&socket=/run/y',
    'qemu:///system?mode=other',
    'qemu:///system?',
    'qemu:///system#x',
    'qemu+tls://hv-01/system?socket=/run/x',
    'qemu+unix://hv-01/system',
    'qemu+tls:///system',
    'qemu://user@hv-01/system',
    'qemu://-oProxyCommand=x/system',
    'qemu://hv-01:0/system',
    'qemu:///embed?root=/tmp',
    'qemu:///system/',
    'test:///etc/shadow',
    'test:///tmp/../etc/x.xml',
    'xen:///system',
    'QEMU:///system',
    'qemu:/system',
    "qemu:///system'",
    'qemu:///system;touch /tmp/x',
    `qemu:///system?socket=/${'a'.repeat(500)}`,
  ]) {
    assert.equal(isLibvirtUri(bad), false, bad);
  }
  refusesBreakers(isLibvirtUri, 'qemu:///system');
});

test('host paths are absolute and normalised, of safe characters only', () => {
  for (const good of ['/', '/srv', '/var/tmp/pytin-lab/backups/home', '/data/a.b_c+d@e-f']) assert.equal(isHostPath(good), true, good);
  for (const bad of [
    '',
    'srv',
    './srv',
    '/srv/',
    '//srv',
    '/srv//x',
    '/srv/./x',
    '/srv/../etc',
    '/..',
    '/.',
    '/a b',
    '/a%b',
    '/a\\b',
    "/a'b",
    '/a"b',
    '/a,b',
    '/a=b',
    '/a:b',
    '/a~b',
    '/a;b',
    '/a$(x)',
    '/a`x`',
    '/a|b',
    '/a&b',
    '/a*',
    '/dаta',
    `/${'a'.repeat(1024)}`,
  ]) {
    assert.equal(isHostPath(bad), false, JSON.stringify(bad));
  }
  refusesBreakers(isHostPath, '/srv/data');
});

test('a backup target is never a system folder', () => {
  for (const bad of [
    '/',
    '/etc',
    '/etc/logrotate.d',
    '/etc/cron.d/x',
    '/usr/local/backup',
    '/bin',
    '/sbin/x',
    '/lib64',
    '/boot',
    '/dev/shm',
    '/proc/1',
    '/sys',
    '/run/x',
    '/root',
    '/root/backup',
    '/home',
    '/var',
    '/var/lib',
    '/var/spool/cron/crontabs',
    '/tmp',
  ]) {
    assert.equal(isBackupTarget(bad), false, bad);
    assert.notEqual(systemFolderOf(bad), undefined, bad);
  }
  for (const good of [
    '/backup/home',
    '/home/backup',
    '/var/backups',
    '/var/tmp/pytin-lab/backups/home',
    '/srv/backup',
    '/tmp/pytin-test-1/backups',
    '/library',
    '/etcetera',
  ]) {
    assert.equal(isBackupTarget(good), true, good);
  }
});

test('inventory paths stay inside the inventory', () => {
  for (const good of ['templates/centos-ks.cfg', 'ks.cfg', 'a/b/c-d_e.f']) assert.equal(isInventoryPath(good), true, good);
  for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', './x', 'a//b', 'a/', 'a b', 'a\\b']) assert.equal(isInventoryPath(bad), false, bad);
  refusesBreakers(isInventoryPath, 'templates/ks.cfg');
});

test('a program is one word: a name or an absolute path', () => {
  for (const good of ['pytin', 'pytin-0.2', '/usr/local/bin/pytin', '/opt/pytin/bin/pytin']) assert.equal(isProgram(good), true, good);
  for (const bad of [
    '',
    '/',
    'pytin; touch /tmp/x',
    'pytin backup',
    '-x',
    '.hidden',
    '../bin/pytin',
    'bin/pytin',
    '/opt/../bin/x',
    '$(touch /tmp/x)',
    '`x`',
    'a%b',
    'a|b',
    `${'a'.repeat(65)}`,
  ]) {
    assert.equal(isProgram(bad), false, bad);
  }
  refusesBreakers(isProgram, 'pytin');
});

test('interface and pool names have no separator a sub-option or tc word parser sees', () => {
  for (const good of ['eno1', 'br0', 'veth-guests', 'bond0.100', 'a'.repeat(15)]) assert.equal(isInterfaceName(good), true, good);
  for (const bad of ['', 'a'.repeat(16), '-x', '.x', 'br0,mac=52:54:00:00:00:01', 'br0=x', 'a/b', 'a:b', 'a b', 'a"b', "a'b", 'a\\b', 'eth%d'])
    assert.equal(isInterfaceName(bad), false, bad);
  refusesBreakers(isInterfaceName, 'br0');
  for (const good of ['default', 'ssd-pool', 'pool_2.a', 'a'.repeat(64)]) assert.equal(isStoragePoolName(good), true, good);
  for (const bad of ['', 'a'.repeat(65), 'default,source.pool=other', 'a=b', 'a/b', '-a', 'a b', "a'b"]) assert.equal(isStoragePoolName(bad), false, bad);
  refusesBreakers(isStoragePoolName, 'default');
});

test('install trees: http(s), ftp, nfs URLs or absolute paths, nothing virt-install splits', () => {
  for (const good of [
    'http://mirror.lab.invalid/centos/9/BaseOS/x86_64/os',
    'https://mirror.example.net:8443/os/',
    'ftp://192.0.2.1/pub/centos',
    'nfs://nfs.example.net/export/centos',
    'http://[2001:db8::1]/os',
    'http://m.example/a%20b',
    '/srv/trees/centos9',
  ]) {
    assert.equal(isInstallTree(good), true, good);
  }
  for (const bad of [
    '',
    '/',
    'http://m/os,kernel=/tmp/k,initrd=/tmp/i',
    'http://m/os?x=1',
    'http://m/os#x',
    'http://user:pw@m/os',
    'http://m/../os',
    'http://m//os',
    'http://m/a%2',
    'http://m/a b',
    "http://m/a'b",
    'file:///etc/passwd',
    'javascript:x',
    'http:///os',
    'http://-x/os',
    'nfs:host:/path',
    'relative/path',
  ]) {
    assert.equal(isInstallTree(bad), false, bad);
  }
  refusesBreakers(isInstallTree, 'http://m.example/os');
  assert.equal(isHttpUrl('http://127.0.0.1:8080/api_jsonrpc.php'), true);
  for (const bad of ['ftp://m/x', 'http://m/x?a=b', 'http://u:p@m/x', 'http://m/x y']) assert.equal(isHttpUrl(bad), false, bad);
});

test('every sink format has words for its diagnostics', () => {
  const registry = readFileSync(fileURLToPath(new URL('../../../schemas/schema-registry.ts', import.meta.url)), 'utf8');
  const registered = [
    ...registry.matchAll(
      /addFormat\('([^']+)', (is(?:LibvirtUri|HostPath|BackupTarget|InventoryPath|Program|InterfaceName|StoragePoolName|InstallTree|HttpUrl))\)/g,
    ),
  ].map((m) => m[1]!);
  assert.equal(registered.length, 9);
  assert.deepEqual(Object.keys(SINK_FORMAT_NAMES).sort(), registered.sort());
});
