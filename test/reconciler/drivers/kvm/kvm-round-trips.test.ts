import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { InternalError } from '../../../../inventory/core/errors.js';
import { virshCommands } from '../../../../reconciler/drivers/kvm/apply/virsh-command.js';
import { runVirshLine } from '../../../../reconciler/drivers/kvm/apply/virsh-line.js';
import { kvmDriver } from '../../../../reconciler/drivers/kvm/kvm-driver.js';
import { type DomainSpec, domainSpecJson } from '../../../../reconciler/drivers/kvm/plan/domain-spec.js';
import type { Change } from '../../../../reconciler/plan/change.js';
import type { CommandRunner } from '../../../../reconciler/transports/command-runner.js';
import { SshCommandRunner } from '../../../../reconciler/transports/ssh/ssh-command-runner.js';
import type { SshPool } from '../../../../reconciler/transports/ssh/ssh-pool.js';
import type { SshTarget } from '../../../../reconciler/transports/ssh/ssh-target.js';
import { type LabHypervisor, startLabHypervisor } from '../../../lab/lab-hypervisor.js';
import type { LabLibvirtd } from '../../../lab/libvirtd.js';
import { errorOf, hostContext } from '../../../support/apply-context.js';
import { labTexts } from '../../../support/lab-inventory.js';
import { labDomains, specOf } from './fixtures/lab-kvm.js';

// A VM create on a define host (libvirt's test driver) is ONE command on the host: one virsh
// process that defines (XML through stdin) under a fresh UUID, starts that UUID and reads the name
// back; a delete is two (read; destroy + undefine + read back). Counted by the SSH runner, against a
// real libvirtd behind a real sshd. A change that fails at a step says which step, with that step's
// own error, and nothing after it touches anything.

const run = promisify(execFile);
let libvirtd: LabLibvirtd;
let pool: SshPool;
let target: SshTarget;

let hv: LabHypervisor | undefined;

before(async () => {
  hv = await startLabHypervisor('kvm-round-trips');
  ({ libvirtd, pool, target } = hv);
});
after(() => hv?.stop());

const virsh = (...args: string[]) => run('/usr/bin/virsh', ['-c', libvirtd.uri, ...args]);

/** A lab VM on this lab's libvirtd, renamed (each test its own domain). */
function spec(name: string, mac: string): DomainSpec {
  const texts = labTexts();
  texts.set(
    'servers/hypervisors.yaml',
    texts.get('servers/hypervisors.yaml')!.replace('uri: "test+unix:///default?socket=/run/pytin-lab/hv-01/libvirt-sock"', `uri: "${libvirtd.uri}"`),
  );
  const base = specOf(labDomains(texts), 'acme-web-01');
  return { ...base, name, address: `vm/${name}`, interfaces: base.interfaces.map((i) => ({ ...i, mac })) };
}

const createOf = (s: DomainSpec): Change => ({ address: s.address, action: 'create', driver: 'kvm', host: 'hv-01', before: null, after: domainSpecJson(s) });
const deleteOf = (s: DomainSpec): Change => ({
  address: s.address,
  action: 'delete',
  driver: 'kvm',
  host: 'hv-01',
  before: { name: s.name, uri: s.uri, hypervisor: 'hv-01', strategy: { ...s.strategy } },
  after: null,
});

test('a create is one command on the host (define + start + read back in one virsh), a delete two, and the state is read back', async () => {
  const vm = spec('trips-01', '52:54:00:dd:00:01');
  const runner = new SshCommandRunner(pool.host(target));
  const created = await kvmDriver.apply(createOf(vm), hostContext(runner));
  assert.equal(created.ok, true, `${errorOf(created)}\n${created.output}`);
  assert.equal(runner.commandsRun, 1);
  assert.equal((created.state as { state: string }).state, 'running');
  assert.equal((await virsh('domstate', 'trips-01')).stdout.trim(), 'running');
  // The transcript still shows each virsh command on its own, XML given through stdin, the start
  // addressed by the UUID the define gave the domain.
  const uuid = (await virsh('domuuid', 'trips-01')).stdout.trim();
  assert.match(created.output, /virsh -c \S+ define \/dev\/stdin <<\(stdin\)\nDomain 'trips-01' defined/);
  assert.match(created.output, new RegExp(`virsh -c \\S+ start ${uuid}\\nDomain 'trips-01' started`));
  assert.doesNotMatch(created.output, /\[exit/);

  const deleted = await kvmDriver.apply(deleteOf(vm), hostContext(runner));
  assert.equal(deleted.ok, true, `${errorOf(deleted)}\n${deleted.output}`);
  assert.equal(runner.commandsRun, 3);
  assert.equal(deleted.state, null);
  assert.doesNotMatch((await virsh('list', '--all', '--name')).stdout, /trips-01/);
});

test('a create whose define the host refuses stops at that step: its error, the start by the new UUID finds nothing, nothing defined', async () => {
  // libvirt refuses a multicast MAC for a NIC: a real refusal at the line's first command.
  const vm = spec('trips-02', '01:00:5e:00:00:02');
  const runner = new SshCommandRunner(pool.host(target));
  const outcome = await kvmDriver.apply(createOf(vm), hostContext(runner));
  assert.equal(outcome.ok, false);
  assert.match(errorOf(outcome) ?? '', /^APPLY_KVM_COMMAND_FAILED: virsh define failed on hv-01: .*multicast/s);
  assert.doesNotMatch(errorOf(outcome) ?? '', /failed to get domain/);
  assert.match(outcome.output, /define \/dev\/stdin <<\(stdin\)\n[^$]*multicast[^$]*\[exit 1\]/);
  // virsh ran the start too, but by the UUID only that define could have made: nothing was found.
  assert.match(outcome.output, /start [0-9a-f-]{36}\nerror: failed to get domain '[0-9a-f-]{36}'/);
  assert.equal(runner.commandsRun, 1);
  assert.equal(outcome.state, null);
  assert.doesNotMatch((await virsh('list', '--all', '--name')).stdout, /trips-02/);
});

test("a create never replaces a domain already there: libvirt refuses the define's new UUID, and a domain not pytin's is left byte for byte", async () => {
  // Made by hand after pytin planned the create: same name, no pytin record.
  const vm = spec('trips-04', '52:54:00:dd:00:04');
  const hand = `<domain type="test"><name>trips-04</name><memory>1024</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;
  const definition = join(hv!.dir.path, 'trips-04.xml');
  await writeFile(definition, hand);
  await virsh('define', definition);
  const before = (await virsh('dumpxml', 'trips-04')).stdout;
  const runner = new SshCommandRunner(pool.host(target));
  const outcome = await kvmDriver.apply(createOf(vm), hostContext(runner));
  assert.equal(outcome.ok, false);
  assert.match(errorOf(outcome) ?? '', /^APPLY_KVM_NOT_OWNED: domain trips-04 on hv-01 is not owned by pytin/);
  assert.match(outcome.output, /already exists with uuid/);
  assert.equal((await virsh('dumpxml', 'trips-04')).stdout, before);
  assert.equal((await virsh('domstate', 'trips-04')).stdout.trim(), 'shut off');
});

test("a create finding pytin's own domain of that VM left shut off by an interrupted create converges: limits set, started", async () => {
  const vm = spec('trips-05', '52:54:00:dd:00:05');
  const runner = new SshCommandRunner(pool.host(target));
  assert.equal((await kvmDriver.apply(createOf(vm), hostContext(runner))).ok, true);
  // Interrupted after the define: not running, and its limit not yet what git says.
  await virsh('destroy', 'trips-05');
  await virsh('domiftune', 'trips-05', '52:54:00:dd:00:05', '--config', '--inbound', '1000');
  const uuid = (await virsh('domuuid', 'trips-05')).stdout.trim();
  const outcome = await kvmDriver.apply(createOf(vm), hostContext(runner));
  assert.equal(outcome.ok, true, `${errorOf(outcome)}\n${outcome.output}`);
  assert.equal((outcome.state as { state: string }).state, 'running');
  assert.equal((await virsh('domuuid', 'trips-05')).stdout.trim(), uuid, 'the same domain, not a new one');
  const inbound = (await virsh('domiftune', 'trips-05', '52:54:00:dd:00:05', '--config')).stdout;
  assert.match(inbound, new RegExp(`inbound.average\\s*:\\s*${vm.interfaces[0]!.inbound!.average}\\b`));
});

test('a delete whose destroy fails stops there: the domain is still defined and its state says so', async () => {
  const vm = spec('trips-03', '52:54:00:dd:00:03');
  const runner = new SshCommandRunner(pool.host(target));
  assert.equal((await kvmDriver.apply(createOf(vm), hostContext(runner))).ok, true);
  // Shut off by hand after pytin read it as running: the planned destroy then fails on the host
  // (libvirt: "domain is not running"), and undefine, the step after it, never runs.
  let commands = 0;
  const racing: CommandRunner = {
    host: runner.host,
    async run(command, options) {
      const result = await runner.run(command, options);
      if (commands++ === 0) await virsh('destroy', 'trips-03');
      return result;
    },
  };
  const outcome = await kvmDriver.apply(deleteOf(vm), hostContext(racing));
  assert.equal(outcome.ok, false);
  assert.match(errorOf(outcome) ?? '', /^APPLY_KVM_COMMAND_FAILED: virsh destroy failed on hv-01: .*not running/is);
  assert.doesNotMatch(outcome.output, /undefine trips-03/);
  assert.equal((outcome.state as { state: string }).state, 'shut-off');
  assert.match((await virsh('list', '--all', '--name')).stdout, /trips-03/);
});

test("one virsh line gives each command's own output and error, whatever a domain's XML holds, and the status of its last command", async () => {
  // A domain whose description imitates the line's markers (without their random bytes).
  const definition = join(hv!.dir.path, 'trips-06.xml');
  await writeFile(
    definition,
    `<domain type="test"><name>trips-06</name><description>pytin-virsh-0000000000000000 2\nerror: pytin-virsh-0000000000000000 2</description><memory>1024</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`,
  );
  await virsh('define', definition);
  const runner = new SshCommandRunner(pool.host(target));
  const line = await runVirshLine(runner, libvirtd.uri, [
    ['domstate', 'trips-06'],
    ['dumpxml', 'trips-06'],
    ['domstate', 'no-such-domain'],
    ['list', '--all', '--name'],
  ]);
  assert.equal(runner.commandsRun, 1);
  const [state, xml, missing, list] = line.commands;
  assert.deepEqual([state!.stdout.trim(), state!.reportedError], ['shut off', false]);
  assert.match(xml!.stdout, /<name>trips-06<\/name>[\s\S]*pytin-virsh-0000000000000000 2[\s\S]*<\/domain>/);
  assert.equal(xml!.stderr, '');
  assert.equal(missing!.stdout.trim(), '');
  assert.deepEqual([missing!.reportedError, /failed to get domain 'no-such-domain'/.test(missing!.stderr)], [true, true]);
  // virsh went on after the failure: the last command ran, and the line's status is its own.
  assert.match(list!.stdout, /^trips-06$/m);
  assert.equal(list!.reportedError, false);
  assert.equal(line.exitCode, 0);
});

test("a word virsh's own command-line parser would split, unquote or cut is refused before anything runs", () => {
  // The read joins virsh commands with `;` into one line that virsh parses itself: a domain name
  // like `x; destroy victim` would run a second command. Names are checked long before, but the
  // joiner refuses anything but plain words on its own.
  for (const word of ['x; destroy victim', 'a b', "a'b", 'a"b', 'a\\b', '#a', 'a\nb', ''])
    assert.throws(() => virshCommands(libvirtd.uri, [['domstate', word]]), InternalError, JSON.stringify(word));
  assert.equal(
    virshCommands('test:///default', [
      ['domstate', 'web-01'],
      ['echo', 'mark'],
    ]),
    "virsh -c test:///default 'domstate web-01; echo mark'",
  );
});
