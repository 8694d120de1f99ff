import assert from 'node:assert/strict';
import { test } from 'node:test';

import { type KickstartValues, renderKickstart } from '../../../../reconciler/drivers/kvm/plan/kickstart.js';
import { netmaskOf } from '../../../../reconciler/drivers/kvm/plan/kickstart-values.js';
import { labTexts, labWith } from '../../../support/lab-inventory.js';
import { labDomains, specOf } from './fixtures/lab-kvm.js';

const KEY_A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHc3pd4pTQ0VJzkyo7Hn0XbNmnOqW7HXhWq4sM0pHW8A ops@acme';
const KEY_B = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY= backup@acme';
const VALUES: KickstartValues = {
  ip: '203.0.113.10',
  netmask: '255.255.255.0',
  gateway: '203.0.113.1',
  dns: '203.0.113.2,203.0.113.3',
  hostname: 'web',
  sshKeys: [KEY_A],
};

/** A rendered kickstart must never set a root password: only `rootpw --lock` may appear. */
function assertNoRootPassword(text: string): void {
  for (const line of text.split('\n')) {
    if (/^\s*rootpw\b/.test(line)) assert.equal(line.trim(), 'rootpw --lock', `root password line: ${line}`);
    assert.doesNotMatch(line, /--(plaintext|iscrypted|password)\b/);
  }
}

test("the lab template is filled from the VM's first IPv4 address, its pool and its tenant's keys", () => {
  const spec = specOf(labDomains(), 'acme-web-01');
  const text = spec.install?.kickstart ?? '';
  assert.match(
    text,
    /^network --bootproto=static --ip=203\.0\.113\.10 --netmask=255\.255\.255\.0 --gateway=203\.0\.113\.1 --nameserver=203\.0\.113\.2,203\.0\.113\.3 --hostname=acme-web-01$/m,
  );
  assert.match(text, new RegExp(`^sshkey --username=root "${KEY_A}"$`, 'm'));
  assert.doesNotMatch(
    text
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n'),
    /\{\{|\}\}/,
  );
  assertNoRootPassword(text);
  assert.equal(spec.install?.tree, 'http://mirror.lab.invalid/centos/9/BaseOS/x86_64/os');
});

test('a line with {{sshKeys}} is written once per key', () => {
  const result = renderKickstart('rootpw --lock\nsshkey --username=root "{{sshKeys}}"\n', { ...VALUES, sshKeys: [KEY_A, KEY_B] });
  assert.ok(result.ok);
  assert.deepEqual(
    result.text.split('\n').filter((l) => l.startsWith('sshkey')),
    [`sshkey --username=root "${KEY_A}"`, `sshkey --username=root "${KEY_B}"`],
  );
});

test('refusals: unknown placeholders, missing values, passwords, no keys, bad keys', () => {
  const cases: Array<[string, string, Partial<KickstartValues>, RegExp]> = [
    ['unknown placeholder', 'network --ip={{ip}}\nrootpw --plaintext {{rootPassword}}', {}, /unknown placeholder \{\{rootPassword\}\}/],
    ['malformed placeholder', 'network --ip={{ip}', {}, /unclosed or malformed/],
    ['a root password', 'rootpw --plaintext hunter2', {}, /"rootpw" must be "rootpw --lock"/],
    ['an encrypted root password', 'rootpw --iscrypted $6$abc', {}, /"rootpw" must be "rootpw --lock"/],
    ['a user password', 'user --name=admin --password=hunter2', {}, /password option/],
    ['no gateway in the pool', 'network --gateway={{gateway}}', { gateway: null }, /\{\{gateway\}\} has no value/],
    ['no IPv4 address', 'network --ip={{ip}}', { ip: null }, /\{\{ip\}\} has no value/],
    ['no SSH key', 'sshkey --username=root "{{sshKeys}}"', { sshKeys: [] }, /no SSH key/],
    [
      'a key breaking out of its quotes',
      'sshkey --username=root "{{sshKeys}}"',
      { sshKeys: ['ssh-ed25519 AAAA x"\nrootpw --plaintext x'] },
      /not a one-line OpenSSH public key/,
    ],
    ...['\v', '\f', '\x85', '\u2028', '\u2029', '\0', '\\'].map((c): [string, string, Partial<KickstartValues>, RegExp] => [
      `a key comment with ${JSON.stringify(c)}`,
      'sshkey --username=root "{{sshKeys}}"',
      { sshKeys: [`ssh-ed25519 AAAA x${c}%post`] },
      /not a one-line OpenSSH public key/,
    ]),
  ];
  for (const [name, template, values, expected] of cases) {
    const result = renderKickstart(template, { ...VALUES, ...values });
    assert.equal(result.ok, false, name);
    if (!result.ok) assert.match(result.problems.join('\n'), expected, name);
  }
});

test('comment lines are copied as written, placeholders in them included', () => {
  const result = renderKickstart('# fills the {{...}} fields, e.g. {{ip}}\nnetwork --ip={{ip}}', VALUES);
  assert.ok(result.ok);
  assert.equal(result.text, '# fills the {{...}} fields, e.g. {{ip}}\nnetwork --ip=203.0.113.10');
});

test('a template asking for an unknown placeholder stops the VM from being planned, with a diagnostic', () => {
  const texts = labTexts();
  texts.set('templates/centos-ks.cfg', `${texts.get('templates/centos-ks.cfg')}\nrootpw --plaintext {{password}}\n`);
  const desired = labDomains(texts);
  assert.deepEqual(
    desired.diagnostics.map((d) => [d.code, d.address]),
    [['PLAN_KVM_KICKSTART', 'vm/acme-web-01']],
  );
  assert.match(desired.diagnostics[0]!.detail ?? '', /unknown placeholder \{\{password\}\}/);
  assert.equal(
    [...desired.hypervisors.values()].flatMap((h) => h.domains).some((d) => d.name === 'acme-web-01'),
    false,
  );
  assert.equal(desired.vmHosts.get('acme-web-01'), 'hv-01'); // still known: never taken for an orphan
});

test('a tenant without SSH keys gets no guest with a kickstart', () => {
  const texts = labWith('tenants.yaml', /sshKeys:\n  - ssh-ed25519 \S+ ops@acme\n/, '');
  assert.deepEqual(
    labDomains(texts).diagnostics.map((d) => d.code),
    ['PLAN_KVM_KICKSTART'],
  );
});

test('netmasks of IPv4 prefix lengths', () => {
  const table: Array<[number, string]> = [
    [0, '0.0.0.0'],
    [8, '255.0.0.0'],
    [23, '255.255.254.0'],
    [24, '255.255.255.0'],
    [30, '255.255.255.252'],
    [32, '255.255.255.255'],
  ];
  for (const [prefix, mask] of table) assert.equal(netmaskOf(prefix), mask);
});
