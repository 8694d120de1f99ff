import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { test } from 'node:test';

import { seededRandom } from '../../../examples/generator/prng.js';
import { formatDiagnostic } from '../../../inventory/core/diagnostic.js';
import { connectionSettingsOf } from '../../../inventory/model/connection-settings.js';
import { cronFileNameOf } from '../../../inventory/model/derived-names.js';
import { type DesiredState, resourcesOfKind } from '../../../inventory/model/desired-state.js';
import type { BackupPolicySpec, ServerSpec, VMSpec } from '../../../inventory/model/specs.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { installedFiles } from '../../../reconciler/drivers/backup-policy/installed-files.js';
import { backupPolicyTarget } from '../../../reconciler/drivers/backup-policy/observe-backups.js';
import { DEFAULT_AGENT, policyFiles, seriesArguments } from '../../../reconciler/drivers/backup-policy/policy-files.js';
import { compileShaping } from '../../../reconciler/drivers/bandwidth/compile-shaping.js';
import { tcScript } from '../../../reconciler/drivers/bandwidth/observe-tc.js';
import { readShaping } from '../../../reconciler/drivers/bandwidth/read-shaping.js';
import { shapingBatch } from '../../../reconciler/drivers/bandwidth/tc-batch.js';
import { virshCommand } from '../../../reconciler/drivers/kvm/apply/virsh-command.js';
import { kickstartPathOnHost, shellCommand, virtInstallArgv } from '../../../reconciler/drivers/kvm/apply/virt-install.js';
import { domainsScript } from '../../../reconciler/drivers/kvm/observe-domains.js';
import { readOwnership } from '../../../reconciler/drivers/kvm/ownership.js';
import { desiredDomains, libvirtUrisOf } from '../../../reconciler/drivers/kvm/plan/desired-domains.js';
import { renderKickstart } from '../../../reconciler/drivers/kvm/plan/kickstart.js';
import { kickstartValues } from '../../../reconciler/drivers/kvm/plan/kickstart-values.js';
import { isInterfaceName } from '../../../schemas/formats/device-names.js';
import { isLibvirtUri } from '../../../schemas/formats/libvirt-uri.js';
import { isResourceName } from '../../../schemas/formats/names.js';
import { isInventoryPath } from '../../../schemas/formats/paths.js';
import { isHttpUrl } from '../../../schemas/formats/urls.js';
import { observedFrom, templatesOf } from '../../reconciler/drivers/kvm/fixtures/lab-kvm.js';
import { ANY_LINE_BREAK, cronCommand, cronDLine, hasVirtinst, shellWords, virtinstOptions } from '../../reconciler/drivers/sink-readers.js';
import { labTexts, snapshotOf } from '../../support/lab-inventory.js';

// Issue 8: no inventory value reaches a shell, a cron line, a URI, an option string, XML or a file
// name unless it is safe there. For every string field that reaches one, the lab inventory is
// edited with values holding separators, quotes, line breaks, NUL and overlong text. Each value is
// either refused by validate with an error at that value's file:line:col, or — accepted — read
// back from what pytin generates by the real reader (/bin/sh, cron's rules, virt-install's own
// option parser, pytin's XML parser) and found exactly where it was meant to be: one word, one
// sub-option, one cron command, one line, the same text. Deterministic: a seeded generator, a
// fixed number of values per field.

/** Every token is inserted into every field once; the seeded generator adds more mixes. */
const TOKENS = [
  ' ',
  '\t',
  ';',
  '&',
  '|',
  '$(',
  '`',
  ',',
  '=',
  '/',
  '..',
  "'",
  '"',
  '\\',
  '%',
  '\v',
  '\x85',
  '\u2028',
  '\0',
  '\r\n',
  '#',
  '*',
  '~',
  ':',
  '@',
  '+',
  '-',
  '.',
  '_',
  '%41',
  'x',
];
const RANDOM_VALUES_PER_FIELD = 12;
const SEED = 0x8_2026;

/** A YAML double-quoted scalar for any text: everything but printable ASCII as an escape. */
function yamlQuoted(text: string): string {
  let out = '"';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (code >= 0x20 && code < 0x7f) out += c;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

interface Generated {
  state: DesiredState;
  texts: Map<string, string>;
}

interface Field {
  /** Schema path, for messages. */
  name: string;
  file: string;
  /** Text of the lab file the edit replaces (must occur). */
  find: string;
  /** The replacement, given the value as a YAML scalar. */
  replace: (scalar: string) => string;
  /** A value the field accepts. */
  base: string;
  /** What pytin makes of an accepted value, checked to carry it safely. */
  sink: (value: string, generated: Generated) => void;
}

const HV01_LIBVIRT = 'libvirt: {uri: "test+unix:///default?socket=/run/pytin-lab/hv-01/libvirt-sock", bridge: br0}';
const ACME_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHc3pd4pTQ0VJzkyo7Hn0XbNmnOqW7HXhWq4sM0pHW8A ops@acme';

/** acme-web-01 compiled for hv-01 as a virt-install host: its virt-install command line read back
 * by /bin/sh and by virt-install's option parser, its domain XML read back by pytin's parser. */
function kvmSink(vmName = 'acme-web-01') {
  return (_value: string, { state, texts }: Generated) => {
    const compiled = desiredDomains(state, {
      templates: templatesOf(texts),
      libvirtUris: libvirtUrisOf(connectionSettingsOf(state)),
      strategies: new Map([['hv-01', { install: 'virt-install' as const, provisionVolumes: true }]]),
    });
    const spec = compiled.hypervisors.get('hv-01')!.domains.find((d) => d.name === vmName);
    assert.ok(spec, `${vmName} compiled: ${compiled.diagnostics.map((d) => d.summary).join('; ')}`);
    const argv = virtInstallArgv(spec, kickstartPathOnHost(spec.name));
    assert.deepEqual(shellWords(shellCommand(argv)), argv);
    const optionOf = (flag: string) => argv.filter((_, i) => argv[i - 1] === flag);
    if (hasVirtinst) {
      const [disk, network, location] = virtinstOptions([optionOf('--disk')[0]!, optionOf('--network')[0]!, optionOf('--location')[0]!]);
      const d = spec.disks[0]!;
      const nic = spec.interfaces[0]!;
      assert.deepEqual(disk, [
        ['source.pool', d.pool],
        ['source.volume', d.volume],
        ['target.dev', d.target],
        ['bus', d.bus],
        ['driver.type', 'qcow2'],
      ]);
      assert.deepEqual(network, [
        ['bridge', nic.bridge],
        ['mac', nic.mac],
        ['model', 'virtio'],
      ]);
      assert.deepEqual(location, [[spec.install!.tree, null]]);
    }
    const facts = observedFrom(spec, 'c1');
    assert.equal(facts.name, spec.name);
    assert.deepEqual(
      facts.disks.map((x) => x.source),
      spec.disks.map((x) => `${x.pool}/${x.volume}`),
    );
    assert.deepEqual(
      facts.interfaces.map((x) => x.bridge),
      spec.interfaces.map((x) => x.bridge),
    );
    const applied = readOwnership(facts.pytin)?.applied;
    assert.deepEqual(
      applied?.disks.map((x) => [x.name, x.pool, x.volume]),
      spec.disks.map((x) => [x.name, x.pool, x.volume]),
    );
    assert.deepEqual(
      applied?.interfaces.map((x) => x.name),
      spec.interfaces.map((x) => x.name),
    );
    const vol = ['vol-create-as', spec.disks[0]!.pool, spec.disks[0]!.volume, '1', '--format', 'qcow2'];
    assert.deepEqual(shellWords(virshCommand(spec.uri, vol)), ['virsh', '-c', spec.uri, ...vol]);
  };
}

/** The lab's backup policy on backup-01: its cron line read as cron reads it, the command as
 * /bin/sh reads it, the exclude file line by line, the observation command's words. */
function backupSink(value: string, { state }: Generated): void {
  void value;
  const policy = resourcesOfKind<BackupPolicySpec>(state, 'BackupPolicy')[0]!.spec;
  const agent = connectionSettingsOf(state).servers.get('backup-01')!.backupAgent ?? DEFAULT_AGENT;
  const files = policyFiles(policy, agent);
  const lines = files.cronText.split('\n');
  assert.equal(lines.length, 5, 'four lines and a final newline');
  assert.equal(lines[4], '');
  for (const line of lines) assert.doesNotMatch(line, ANY_LINE_BREAK);
  const cron = cronDLine(lines[3]!);
  assert.equal(cron.fields.join(' '), policy.schedule);
  assert.equal(cron.user, 'root');
  const { command, stdin } = cronCommand(cron.command);
  assert.equal(stdin, null, 'no % ends the command early');
  const redirect = ' >/dev/null 2>&1';
  assert.ok(command.endsWith(redirect));
  const excludePath = posix.join(policy.target, `.pytin-${policy.name}.exclude`);
  const expected = [
    agent.command,
    'backup',
    'run',
    ...seriesArguments(policy),
    '--iterations',
    String(policy.iterations),
    '--keep-sequences',
    String(policy.keepSequences),
    '--exclude-from',
    excludePath,
    '--compress',
    policy.compression,
  ];
  assert.deepEqual(shellWords(command.slice(0, -redirect.length)), expected);
  assert.deepEqual(files.excludeText.split('\n'), [...(policy.exclude ?? []), '']);
  assert.equal(posix.dirname(files.cronPath), agent.cronDir);
  assert.equal(posix.normalize(files.cronPath), files.cronPath);
  const list = backupPolicyTarget(policy, agent).listCommand;
  assert.deepEqual(shellWords(list), [
    agent.command,
    'backup',
    'list',
    '--target',
    policy.target,
    '--name',
    policy.name,
    ...(policy.perUserHome ? ['--per-user'] : []),
    '--verify-newest',
    '--json',
  ]);
  // The same policy as a systemd service and timer: ExecStart= read as systemd splits it gives the
  // same words, with nothing systemd would expand (% specifiers, $ variables) or unquote.
  const units = installedFiles(policy, { ...agent, scheduler: 'systemd', unitDir: '/etc/systemd/system' });
  assert.deepEqual(
    units.scheduleFiles.map((f) => posix.dirname(f.path)),
    ['/etc/systemd/system', '/etc/systemd/system'],
  );
  for (const file of units.scheduleFiles) for (const line of file.text.split('\n')) assert.doesNotMatch(line, ANY_LINE_BREAK);
  const exec = units.scheduleFiles[0]!.text.split('\n').filter((l) => l.startsWith('ExecStart='));
  assert.equal(exec.length, 1);
  assert.doesNotMatch(exec[0]!, /[%$\\"']/);
  assert.deepEqual(exec[0]!.slice('ExecStart='.length).split(' '), expected);
}

/** backup-01's shaping: every tc batch line names only the interface (or its ifb) after `dev`. */
function tcSink(value: string, { state }: Generated): void {
  const server = state.resources.get('server/backup-01')!.spec as ServerSpec;
  const desired = compileShaping('backup-01', server.shaping);
  const devices = new Set(desired.devices.map((d) => d.device));
  assert.ok(devices.has(value));
  for (const line of shapingBatch(desired.devices, readShaping({ interfaces: [] }))) {
    assert.doesNotMatch(line, ANY_LINE_BREAK);
    const words = line.split(' ');
    words.forEach((w, i) => {
      if (w === 'dev') assert.ok(devices.has(words[i + 1]!), line);
    });
  }
  tcScript([...devices], 'm');
}

const fields: Field[] = [
  {
    name: 'Server.libvirt.uri',
    file: 'servers/hypervisors.yaml',
    find: HV01_LIBVIRT,
    replace: (v) => `libvirt: {uri: ${v}, bridge: br0}`,
    base: 'test+unix:///default?socket=/run/pytin-lab/hv-01/libvirt-sock',
    sink: (value) => {
      assert.ok(isLibvirtUri(value));
      assert.deepEqual(shellWords(virshCommand(value, ['list', '--all'])), ['virsh', '-c', value, 'list', '--all']);
      domainsScript(value, 'm');
    },
  },
  {
    name: 'Server.libvirt.bridge',
    file: 'servers/hypervisors.yaml',
    find: HV01_LIBVIRT,
    replace: (v) => HV01_LIBVIRT.replace('bridge: br0', `bridge: ${v}`),
    base: 'br0',
    sink: kvmSink(),
  },
  {
    name: 'Server.interfaces[].name',
    file: 'servers/hypervisors.yaml',
    find: '  - name: eno1\n    mac: 0c:c4:7a:10:00:01',
    replace: (v) => `  - name: ${v}\n    mac: 0c:c4:7a:10:00:01`,
    base: 'eno1',
    sink: (value) => assert.ok(isInterfaceName(value)),
  },
  {
    name: 'Server.shaping.interfaces[]',
    file: 'servers/backup-01.yaml',
    find: 'interfaces: [veth-guests]',
    replace: (v) => `interfaces: [${v}]`,
    base: 'veth-guests',
    sink: tcSink,
  },
  {
    name: 'Server.backupAgent.command',
    file: 'servers/backup-01.yaml',
    find: 'command: pytin ',
    replace: (v) => `command: ${v} `,
    base: 'pytin',
    sink: backupSink,
  },
  {
    name: 'Server.backupAgent.cronDir',
    file: 'servers/backup-01.yaml',
    find: 'cronDir: /var/tmp/pytin-lab/cron.d',
    replace: (v) => `cronDir: ${v}`,
    base: '/var/tmp/pytin-lab/cron.d',
    sink: backupSink,
  },
  {
    name: 'VM.name',
    file: 'vms/acme.yaml',
    find: 'name: acme-web-01',
    replace: (v) => `name: ${v}`,
    base: 'acme-web-01',
    sink: (value, g) => (assert.ok(isResourceName(value)), kvmSink(value)(value, g)),
  },
  {
    name: 'VM.disks[].name',
    file: 'vms/acme.yaml',
    find: '  - {name: root, size: 20GiB}\ninstall:',
    replace: (v) => `  - {name: ${v}, size: 20GiB}\ninstall:`,
    base: 'root',
    sink: kvmSink(),
  },
  {
    name: 'VM.interfaces[].name',
    file: 'vms/acme.yaml',
    find: '  - name: eth0\n    mac: 52:54:00:a0:00:01\n',
    replace: (v) => `  - name: ${v}\n    mac: 52:54:00:a0:00:01\n`,
    base: 'eth0',
    sink: kvmSink(),
  },
  {
    name: 'VM.disks[].pool',
    file: 'vms/acme.yaml',
    find: '  - {name: root, size: 20GiB}\ninstall:',
    replace: (v) => `  - {name: root, size: 20GiB, pool: ${v}}\ninstall:`,
    base: 'default',
    sink: kvmSink(),
  },
  {
    name: 'VM.interfaces[].bridge',
    file: 'vms/acme.yaml',
    find: '    mac: 52:54:00:a0:00:01\n',
    replace: (v) => `    mac: 52:54:00:a0:00:01\n    bridge: ${v}\n`,
    base: 'br0',
    sink: kvmSink(),
  },
  {
    name: 'VM.install.tree',
    file: 'vms/acme.yaml',
    find: 'tree: "http://mirror.lab.invalid/centos/9/BaseOS/x86_64/os"',
    replace: (v) => `tree: ${v}`,
    base: 'http://mirror.lab.invalid/centos/9/BaseOS/x86_64/os',
    sink: kvmSink(),
  },
  {
    name: 'VM.install.template',
    file: 'vms/acme.yaml',
    find: 'template: templates/centos-ks.cfg',
    replace: (v) => `template: ${v}`,
    base: 'templates/centos-ks.cfg',
    sink: (value) => assert.ok(isInventoryPath(value)),
  },
  {
    name: 'BackupPolicy.name',
    file: 'backups.yaml',
    find: 'name: home-users',
    replace: (v) => `name: ${v}`,
    base: 'home-users',
    sink: (value, g) => (assert.match(cronFileNameOf(value), /^[A-Za-z0-9_-]+$/), backupSink(value, g)),
  },
  {
    name: 'BackupPolicy.perUserHome',
    file: 'backups.yaml',
    find: 'perUserHome: /var/tmp/pytin-lab/home',
    replace: (v) => `perUserHome: ${v}`,
    base: '/var/tmp/pytin-lab/home',
    sink: backupSink,
  },
  {
    name: 'BackupPolicy.source',
    file: 'backups.yaml',
    find: 'perUserHome: /var/tmp/pytin-lab/home',
    replace: (v) => `source: ${v}`,
    base: '/var/tmp/pytin-lab/data',
    sink: backupSink,
  },
  {
    name: 'BackupPolicy.target',
    file: 'backups.yaml',
    find: 'target: /var/tmp/pytin-lab/backups/home',
    replace: (v) => `target: ${v}`,
    base: '/var/tmp/pytin-lab/backups/home',
    sink: backupSink,
  },
  {
    name: 'BackupPolicy.exclude[]',
    file: 'backups.yaml',
    find: 'exclude: ["*.tmp", ".cache/"]',
    replace: (v) => `exclude: [${v}, ".cache/"]`,
    base: '*.tmp',
    sink: backupSink,
  },
  {
    name: 'Tenant.sshKeys[]',
    file: 'tenants.yaml',
    find: `  - ${ACME_KEY}`,
    replace: (v) => `  - ${v}`,
    base: ACME_KEY,
    sink: (value, { state, texts }) => {
      const vm = state.resources.get('vm/acme-web-01')!.spec as VMSpec;
      const template = texts.get('templates/centos-ks.cfg')!;
      const rendered = renderKickstart(template, kickstartValues(vm, state));
      assert.ok(rendered.ok, rendered.ok ? '' : rendered.problems.join('; '));
      const lines = rendered.text.split('\n');
      assert.equal(lines.length, template.split('\n').length);
      for (const line of lines) assert.doesNotMatch(line, ANY_LINE_BREAK);
      assert.ok(lines.includes(`sshkey --username=root "${value}"`));
    },
  },
  {
    name: 'SshEndpoint.user',
    file: 'settings.yaml',
    find: 'user: root',
    replace: (v) => `user: ${v}`,
    base: 'root',
    sink: (value) => assert.match(value, /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/),
  },
  {
    name: 'SnmpCredentials.user',
    file: 'settings.yaml',
    find: 'version: v2c\ncommunity: {env: PYTIN_SECRET_SW_R01_COMMUNITY}',
    replace: (v) => `version: v2c\nuser: ${v}\ncommunity: {env: PYTIN_SECRET_SW_R01_COMMUNITY}`,
    base: 'monitor',
    sink: (value) => assert.match(value, /^[!-~]{1,32}$/),
  },
  {
    name: 'ZabbixConnection.url',
    file: 'settings.yaml',
    find: 'lastSeenWarningDays: 31',
    replace: (v) => `lastSeenWarningDays: 31\n---\nkind: ZabbixConnection\nname: zabbix\nurl: ${v}`,
    base: 'https://zabbix.lab.invalid/api_jsonrpc.php',
    sink: (value) => assert.ok(isHttpUrl(value)),
  },
];

/** The values tried on a field: each token inserted in the middle of the base value, a seeded mix
 * of tokens at random places, and an overlong value. */
function valuesFor(field: Field, random: () => number): string[] {
  const values = new Set<string>();
  const insert = (text: string, at: number, token: string) => text.slice(0, at) + token + text.slice(at);
  for (const token of TOKENS) values.add(insert(field.base, Math.floor(field.base.length / 2), token));
  while (values.size < TOKENS.length + RANDOM_VALUES_PER_FIELD) {
    let value = field.base;
    const edits = 1 + Math.floor(random() * 3);
    for (let i = 0; i < edits; i++) {
      const token = TOKENS[Math.floor(random() * TOKENS.length)]!;
      const at = Math.floor(random() * (value.length + 1));
      value = random() < 0.3 && value.length > 0 ? value.slice(0, at) + token + value.slice(at + 1) : insert(value, at, token);
    }
    values.add(value);
  }
  values.add(field.base.startsWith('/') ? `${field.base}/${'a'.repeat(2000)}` : `${field.base}${'a'.repeat(20000)}`);
  return [...values];
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
}

test('the unedited lab is accepted by every sink check', () => {
  const texts = labTexts();
  const { state, diagnostics } = validateInventory(snapshotOf(texts));
  assert.deepEqual(diagnostics.map(formatDiagnostic), []);
  for (const field of fields.filter((f) => !['BackupPolicy.source', 'ZabbixConnection.url', 'SnmpCredentials.user'].includes(f.name)))
    field.sink(field.base, { state, texts });
});

for (const [index, field] of fields.entries()) {
  test(`fuzz ${field.name}: every value is refused at its position, or lands safely where it belongs`, (t) => {
    const random = seededRandom(SEED + index);
    let refused = 0;
    let accepted = 0;
    for (const value of valuesFor(field, random)) {
      const texts = labTexts();
      const original = texts.get(field.file)!;
      const at = original.indexOf(field.find);
      assert.ok(at >= 0, `${field.file}: ${field.find}`);
      const scalar = yamlQuoted(value);
      const replacement = field.replace(scalar);
      const edited = original.slice(0, at) + replacement + original.slice(at + field.find.length);
      texts.set(field.file, edited);
      const position = lineCol(edited, at + replacement.indexOf(scalar));
      const { state, diagnostics } = validateInventory(snapshotOf(texts));
      const errors = diagnostics.filter((d) => d.severity === 'error');
      const label = `${field.name} = ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value)}`;
      if (errors.length > 0) {
        const atValue = errors.find((d) => d.subject?.file === field.file && d.subject.start.line === position.line && d.subject.start.col === position.col);
        assert.ok(atValue, `${label}: refused, but not at ${field.file}:${position.line}:${position.col}: ${errors.map(formatDiagnostic).join(' | ')}`);
        assert.ok(['INV_SCHEMA_FORMAT', 'INV_SCHEMA_RANGE'].includes(atValue.code), `${label}: ${formatDiagnostic(atValue)}`);
        refused++;
      } else {
        try {
          field.sink(value, { state, texts });
        } catch (error) {
          assert.fail(`${label} was accepted, but what pytin makes of it is not safe: ${(error as Error).message}`);
        }
        accepted++;
      }
    }
    t.diagnostic(`${field.name}: ${refused} refused at their position, ${accepted} accepted and read back safely`);
    assert.ok(refused > 0, `${field.name}: nothing refused`);
  });
}
