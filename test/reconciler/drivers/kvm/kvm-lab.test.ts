import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import type { DomainFacts } from '../../../../reconciler/drivers/kvm/domain-facts.js';
import { kvmDriver } from '../../../../reconciler/drivers/kvm/kvm-driver.js';
import { observeDomains } from '../../../../reconciler/drivers/kvm/observe-domains.js';
import { readOwnership } from '../../../../reconciler/drivers/kvm/ownership.js';
import { domainSpecJson } from '../../../../reconciler/drivers/kvm/plan/domain-spec.js';
import { type ObservedHypervisor, planDomains } from '../../../../reconciler/drivers/kvm/plan/plan-domains.js';
import type { Change } from '../../../../reconciler/plan/change.js';
import type { DriverPlan } from '../../../../reconciler/plan/planning-port.js';
import { SshCommandRunner } from '../../../../reconciler/transports/ssh/ssh-command-runner.js';
import { SshPool } from '../../../../reconciler/transports/ssh/ssh-pool.js';
import type { SshTarget } from '../../../../reconciler/transports/ssh/ssh-target.js';
import { type LabHypervisor, startLabHypervisor } from '../../../lab/lab-hypervisor.js';
import type { LabLibvirtd } from '../../../lab/libvirtd.js';
import { type LabSshd, startSshd } from '../../../lab/sshd.js';
import { errorOf, hostContext } from '../../../support/apply-context.js';
import { labTexts } from '../../../support/lab-inventory.js';
import { labDomains } from './fixtures/lab-kvm.js';

// The lab's hv-01 as a real "hypervisor": an unprivileged libvirtd (test driver, state shared
// across connections) reached by virsh commands run through a real sshd. Observation is the host
// observer (SshPool); apply runs `virsh -c URI` over the same kind of SSH connection.

const run = promisify(execFile);
let dir: { path: string; remove(): Promise<void> };
let libvirtd: LabLibvirtd;
let sshd: LabSshd;
let pool: SshPool;
let target: SshTarget;

let hv: LabHypervisor | undefined;

before(async () => {
  hv = await startLabHypervisor('kvm-lab');
  ({ dir, libvirtd, sshd, pool, target } = hv);
});
after(() => hv?.stop());

const COMMIT_1 = '1111111111111111111111111111111111111111';
const COMMIT_2 = '2222222222222222222222222222222222222222';

const virsh = (...args: string[]) => run('/usr/bin/virsh', ['-c', libvirtd.uri, ...args]);

/** The lab inventory with hv-01 pointing at the lab libvirtd, and one optional edit. */
function inventory(): Map<string, string> {
  const texts = labTexts();
  const servers = texts.get('servers/hypervisors.yaml')!;
  // Only hv-01's (the first) URI: hv-02 is not part of this lab and stays unobserved.
  texts.set('servers/hypervisors.yaml', servers.replace('uri: "test+unix:///default?socket=/run/pytin-lab/hv-01/libvirt-sock"', `uri: "${libvirtd.uri}"`));
  return texts;
}

/** Git at the next commit: `texts` with one edit (the edits of a scenario accumulate). */
function commitEdit(texts: ReadonlyMap<string, string>, file: string, find: string | RegExp, replace: string): Map<string, string> {
  const text = texts.get(file)!;
  const edited = text.replace(find, replace);
  assert.notEqual(edited, text, `edit of ${file} did not apply`);
  return new Map([...texts, [file, edited]]);
}

/** hv-01's domains as the KVM driver's probe reads them over SSH. */
async function domainsNow(): Promise<DomainFacts[]> {
  const observed = await observeDomains({ pool, target, timeoutMs: 60_000 }, libvirtd.uri);
  assert.deepEqual(observed.diagnostics, []);
  return observed.facts!;
}

function observedHv01(domains: DomainFacts[]): Map<string, ObservedHypervisor> {
  return new Map([['hv-01', { observedAt: Date.now(), domains }]]);
}

async function plan(texts: Map<string, string>): Promise<DriverPlan> {
  return planDomains({ desired: labDomains(texts), observed: observedHv01(await domainsNow()) });
}

function changesOf(p: DriverPlan): string[] {
  return p.changes.map((c) => `${c.action} ${c.address}${c.fields ? ` [${c.fields.join(',')}]` : ''}`);
}

function driftOf(p: DriverPlan): string[] {
  return p.drift.map((d) => `${d.kind} ${d.address}`);
}

async function applyAll(changes: readonly Change[], commit: string): Promise<void> {
  const runner = new SshCommandRunner(pool.host(target));
  for (const change of changes) {
    const outcome = await kvmDriver.apply(change, hostContext(runner, commit));
    assert.equal(outcome.ok, true, `${change.action} ${change.address}: ${errorOf(outcome)}\n${outcome.output}`);
  }
}

/** The libvirt test driver's own domain "test" is on every test:///default host and is nobody's. */
const TEST_DOMAIN_DRIFT = 'unknown-vm vm/test';

test('lab hypervisor: create, converge, retune a limit, restore a hand change, resize, delete — and leave unowned domains alone', async (t) => {
  // Git as the scenario goes on: each step commits one edit on top of the previous ones.
  let git = inventory();

  await t.test("the first plan creates hv-01's VMs; hv-02 is not observed", async () => {
    const first = await plan(git);
    assert.deepEqual(changesOf(first), ['create vm/acme-db-01', 'create vm/acme-web-01', 'create vm/globex-app-02']);
    assert.deepEqual(driftOf(first), [TEST_DOMAIN_DRIFT]);
    assert.deepEqual(
      first.diagnostics.map((d) => `${d.code} ${d.address}`),
      ['PLAN_KVM_HOST_NOT_OBSERVED server/hv-02'],
    );
    await applyAll(first.changes, COMMIT_1);

    const second = await plan(git);
    assert.deepEqual(changesOf(second), []);
    assert.deepEqual(driftOf(second), [TEST_DOMAIN_DRIFT]);

    // What is on the host is what pytin wrote: running, limits in kB/s, ownership with the commit.
    const web = (await domainsNow()).find((d) => d.name === 'acme-web-01')!;
    assert.equal(web.state, 'running');
    assert.equal(web.interfaces[0]?.bandwidth.inbound?.averageKiBps, 12500);
    assert.deepEqual(readOwnership(web.pytin) && { address: readOwnership(web.pytin)!.address, commit: readOwnership(web.pytin)!.commit }, {
      address: 'vm/acme-web-01',
      commit: COMMIT_1,
    });
  });

  await t.test('applying the same creates again changes nothing (idempotent)', async () => {
    const creates = planDomains({ desired: labDomains(git), observed: observedHv01([]) }).changes;
    assert.equal(creates.length, 3);
    await applyAll(creates, COMMIT_1);
    assert.deepEqual(changesOf(await plan(git)), []);
  });

  await t.test('a limit changed in git is exactly one live update, then nothing', async () => {
    git = commitEdit(git, 'vms/acme.yaml', 'bandwidth: {inbound: 100Mbit, outbound: 100Mbit}', 'bandwidth: {inbound: 200Mbit, outbound: 100Mbit, burst: 1MiB}');
    const texts = git;
    const planned = await plan(texts);
    assert.deepEqual(changesOf(planned), ['update vm/acme-web-01 [interfaces]']);
    await applyAll(planned.changes, COMMIT_2);
    assert.deepEqual(changesOf(await plan(texts)), []);
    // Live and persistent definitions both carry it.
    for (const flags of [[], ['--inactive']]) {
      const { stdout } = await virsh('dumpxml', ...flags, 'acme-web-01');
      assert.match(stdout, /<inbound average='25000' burst='1024'\/>/, `dumpxml ${flags.join(' ')}`);
    }
  });

  await t.test("a limit changed by hand is drift, and the next apply restores git's", async () => {
    const texts = git;
    await virsh('domiftune', 'acme-web-01', '52:54:00:a0:00:01', '--live', '--outbound', '1000');
    const planned = await plan(texts);
    assert.deepEqual(driftOf(planned), ['limit-changed-by-hand vm/acme-web-01', TEST_DOMAIN_DRIFT]);
    assert.deepEqual(changesOf(planned), ['update vm/acme-web-01 [interfaces]']);
    await applyAll(planned.changes, COMMIT_2);
    const after = await plan(texts);
    assert.deepEqual([changesOf(after), driftOf(after)], [[], [TEST_DOMAIN_DRIFT]]);
  });

  await t.test('memory and vCPU go to the config with a restart note; the plan is then empty', async () => {
    git = commitEdit(
      git,
      'vms/globex.yaml',
      'vcpus: 4\nmemory: 8GiB\ndisks:\n  - {name: root, size: 40GiB}\ninterfaces:\n  - name: eth0\n    mac: 52:54:00:b0:00:02',
      'vcpus: 6\nmemory: 12GiB\ndisks:\n  - {name: root, size: 40GiB}\ninterfaces:\n  - name: eth0\n    mac: 52:54:00:b0:00:02',
    );
    const texts = git;
    const planned = await plan(texts);
    assert.deepEqual(changesOf(planned), ['update vm/globex-app-02 [vcpus,memoryKiB]']);
    assert.match(planned.changes[0]!.notes?.join('\n') ?? '', /restart needed/);
    await applyAll(planned.changes, COMMIT_2);
    assert.deepEqual(changesOf(await plan(texts)), []);
    const { stdout } = await virsh('dumpxml', '--inactive', 'globex-app-02');
    assert.match(stdout, /<memory unit='KiB'>12582912<\/memory>/);
    assert.match(stdout, /<vcpu placement='static'>6<\/vcpu>/);
  });

  await t.test('vCPUs and memory changed by hand in the definition are drift with both values, and apply restores them', async () => {
    const texts = git;
    // acme-web-01 is 2 vCPUs and 4 GiB in git.
    await virsh('setmem', 'acme-web-01', '2097152', '--config');
    await virsh('setvcpus', 'acme-web-01', '1', '--config');
    const planned = await plan(texts);
    const drift = planned.drift.filter((d) => d.address === 'vm/acme-web-01');
    assert.deepEqual(
      drift.map((d) => d.kind),
      // The running domain still has git's values: that is a difference too, until a restart.
      ['resources-changed-by-hand', 'running-differs-from-config'],
    );
    assert.match(drift[0]!.message, /has 1 vCPUs and 2 GiB, but pytin applied 2 vCPUs and 4 GiB/);
    assert.match(drift[1]!.message, /runs with 2 vCPUs and 4 GiB .*; its configuration has 1 vCPUs and 2 GiB/);
    assert.deepEqual(changesOf(planned), ['update vm/acme-web-01 [vcpus,memoryKiB]']);
    await applyAll(planned.changes, COMMIT_2);
    const { stdout } = await virsh('dumpxml', '--inactive', 'acme-web-01');
    assert.match(stdout, /<currentMemory unit='KiB'>4194304<\/currentMemory>/);
    assert.match(stdout, /<vcpu placement='static'>2<\/vcpu>/);
    const after = await plan(texts);
    assert.deepEqual([changesOf(after), after.drift.filter((d) => d.address === 'vm/acme-web-01')], [[], []]);
  });

  await t.test('memory changed by hand in the running domain only is drift with both values, with nothing to apply', async () => {
    await virsh('setmem', 'acme-web-01', '1048576', '--live');
    const planned = await plan(git);
    const drift = planned.drift.filter((d) => d.address === 'vm/acme-web-01');
    assert.deepEqual(
      drift.map((d) => d.kind),
      ['running-differs-from-config'],
    );
    assert.match(drift[0]!.message, /runs with 2 vCPUs and 1 GiB .*; its configuration has 2 vCPUs and 4 GiB/);
    assert.deepEqual(changesOf(planned), []);
    // Set back by hand (a restart would too), so the later steps start from git's state.
    await virsh('setmem', 'acme-web-01', '4194304', '--live');
    assert.deepEqual(
      (await plan(git)).drift.filter((d) => d.address === 'vm/acme-web-01'),
      [],
    );
  });

  await t.test('a limit removed from git is cleared on the host', async () => {
    git = commitEdit(git, 'vms/acme.yaml', 'bandwidth: {inbound: 1Gbit, outbound: 200Mbit}', 'bandwidth: {outbound: 200Mbit}');
    const planned = await plan(git);
    assert.deepEqual(changesOf(planned), ['update vm/acme-db-01 [interfaces]']);
    await applyAll(planned.changes, COMMIT_2);
    assert.deepEqual(changesOf(await plan(git)), []);
    const db = (await domainsNow()).find((d) => d.name === 'acme-db-01')!;
    assert.equal(db.interfaces[0]?.bandwidth.inbound, null);
    assert.equal(db.interfaces[0]?.bandwidth.outbound?.averageKiBps, 25000);
  });

  await t.test('a disk bus change is a replace: destroyed, defined anew with the new bus, running', async () => {
    git = commitEdit(git, 'vms/acme.yaml', '{name: root, size: 20GiB}\ninstall', '{name: root, size: 20GiB, bus: sata}\ninstall');
    const planned = await plan(git);
    assert.deepEqual(changesOf(planned), ['replace vm/acme-web-01 [disks]']);
    const uuidBefore = (await virsh('domuuid', 'acme-web-01')).stdout.trim();
    await applyAll(planned.changes, COMMIT_2);
    assert.deepEqual(changesOf(await plan(git)), []);
    const web = (await domainsNow()).find((d) => d.name === 'acme-web-01')!;
    assert.deepEqual(
      web.disks.map((d) => [d.source, d.target, d.bus]),
      [['default/acme-web-01-root', 'sda', 'sata']],
    );
    assert.equal(web.state, 'running');
    assert.notEqual(web.uuid, uuidBefore); // a new domain, not an edited one
  });

  await t.test('a VM removed from git is deleted, because pytin owns its domain', async () => {
    git = commitEdit(git, 'vms/globex.yaml', /---\nkind: VM\nname: globex-app-02\n[\s\S]*?(?=---)/, '');
    const texts = git;
    const planned = await plan(texts);
    assert.deepEqual(changesOf(planned), ['delete vm/globex-app-02']);
    await applyAll(planned.changes, COMMIT_2);
    const { stdout } = await virsh('list', '--all', '--name');
    assert.doesNotMatch(stdout, /globex-app-02/);
    assert.deepEqual(changesOf(await plan(texts)), []);
  });

  await t.test('a domain pytin did not create is drift only, and a forged delete of it is refused on the host', async () => {
    const xml = join(dir.path, 'hand-01.xml');
    await writeFile(xml, '<domain type="test"><name>hand-01</name><memory>524288</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>');
    await virsh('define', xml);
    const planned = await plan(git);
    assert.deepEqual(changesOf(planned), []);
    assert.deepEqual(driftOf(planned), ['unknown-vm vm/hand-01', TEST_DOMAIN_DRIFT]);

    const forged: Change = {
      address: 'vm/hand-01',
      action: 'delete',
      driver: 'kvm',
      host: 'hv-01',
      before: { name: 'hand-01', uri: libvirtd.uri, hypervisor: 'hv-01' },
      after: null,
    };
    const outcome = await kvmDriver.apply(forged, hostContext(new SshCommandRunner(pool.host(target)), COMMIT_2));
    assert.equal(outcome.ok, false);
    assert.match(errorOf(outcome) ?? '', /^APPLY_KVM_NOT_OWNED: domain hand-01 on hv-01 is not owned by pytin/);
    assert.equal((outcome.state as { name: string } | null)?.name, 'hand-01'); // the last known state, re-read
    assert.match((await virsh('list', '--all', '--name')).stdout, /hand-01/);
  });

  await t.test("a failed apply still reports the domain's last known state", async () => {
    const texts = commitEdit(
      git,
      'vms/acme.yaml',
      'bandwidth: {inbound: 200Mbit, outbound: 100Mbit, burst: 1MiB}',
      'bandwidth: {inbound: 300Mbit, outbound: 100Mbit}',
    );
    const [update] = (await plan(texts)).changes.filter((c) => c.address === 'vm/acme-web-01');
    assert.ok(update);
    // The MAC no longer matches a NIC: domiftune fails on the host.
    const broken: Change = JSON.parse(JSON.stringify(update).replaceAll('52:54:00:a0:00:01', '52:54:00:ff:ff:ff'));
    const outcome = await kvmDriver.apply(broken, hostContext(new SshCommandRunner(pool.host(target)), COMMIT_2));
    assert.equal(outcome.ok, false);
    assert.match(errorOf(outcome) ?? '', /^APPLY_KVM_COMMAND_FAILED: virsh domiftune failed on hv-01/);
    assert.equal((outcome.state as { name: string; state: string }).state, 'running');
    assert.match(outcome.output, /virsh -c .* domiftune acme-web-01 52:54:00:ff:ff:ff --config/);
  });
});

test('on a host where pytin provisions volumes, create makes one per disk in its pool and delete removes them', async () => {
  // The test driver's storage is in memory (and capped at 100 GiB per pool): small disks.
  await virsh('pool-define-as', 'vols', 'dir', '--target', '/pytin-lab-vols');
  await virsh('pool-start', 'vols');
  const lab = labDomains(inventory());
  const base = lab.hypervisors.get('hv-01')!.domains.find((d) => d.name === 'acme-web-01')!;
  const spec = {
    ...base,
    name: 'vol-01',
    address: 'vm/vol-01',
    strategy: { install: 'define' as const, provisionVolumes: true },
    interfaces: base.interfaces.map((i) => ({ ...i, mac: '52:54:00:ee:00:01' })),
    disks: [
      { name: 'root', pool: 'vols', volume: 'vol-01-root', sizeBytes: 2 * 1024 ** 3, bus: 'virtio' as const, target: 'vda' },
      { name: 'data', pool: 'vols', volume: 'vol-01-data', sizeBytes: 1024 ** 3, bus: 'virtio' as const, target: 'vdb' },
    ],
  };
  const runner = new SshCommandRunner(pool.host(target));
  const create: Change = { address: spec.address, action: 'create', driver: 'kvm', host: 'hv-01', before: null, after: domainSpecJson(spec) };
  const created = await kvmDriver.apply(create, hostContext(runner, COMMIT_1));
  assert.equal(created.ok, true, errorOf(created));
  const volumes = async () => (await virsh('vol-list', 'vols')).stdout;
  assert.match(await volumes(), /vol-01-root/);
  assert.match(await volumes(), /vol-01-data/);
  const info = await virsh('vol-info', '--pool', 'vols', 'vol-01-root', '--bytes');
  assert.match(info.stdout, /Capacity:\s+2147483648 bytes/);
  // Idempotent: the volumes and the domain exist, a second create converges.
  assert.equal((await kvmDriver.apply(create, hostContext(runner, COMMIT_1))).ok, true);

  const remove: Change = {
    address: 'vm/vol-01',
    action: 'delete',
    driver: 'kvm',
    host: 'hv-01',
    before: { name: 'vol-01', uri: libvirtd.uri, hypervisor: 'hv-01', strategy: spec.strategy },
    after: null,
  };
  const deleted = await kvmDriver.apply(remove, hostContext(runner, COMMIT_2));
  assert.equal(deleted.ok, true, errorOf(deleted));
  assert.equal(deleted.state, null);
  assert.doesNotMatch(await volumes(), /vol-01/);
  // Deleting what is gone already succeeds.
  assert.equal((await kvmDriver.apply(remove, hostContext(runner, COMMIT_2))).ok, true);
});

test('a hypervisor that stops answering gives a failed outcome, not a thrown error', async () => {
  const lost = await startSshd({ clientKeyPath: sshd.clientKeyPath });
  const lostPool = new SshPool({ knownHostsPath: join(dir.path, 'known_hosts_lost'), trustNewHosts: true, connectTimeoutMs: 2000 });
  try {
    const lostTarget: SshTarget = { ...target, port: lost.port };
    const runner = new SshCommandRunner(lostPool.host(lostTarget));
    assert.equal((await runner.run('true')).exitCode, 0); // connected once
    await lost.stop();
    const spec = labDomains(inventory()).hypervisors.get('hv-01')!.domains[0]!;
    const change: Change = { address: spec.address, action: 'create', driver: 'kvm', host: 'hv-01', before: null, after: domainSpecJson(spec) };
    const outcome = await kvmDriver.apply(change, hostContext(runner, COMMIT_1));
    assert.equal(outcome.ok, false);
    assert.match(errorOf(outcome) ?? '', /^APPLY_KVM_TRANSPORT: /);
    assert.equal(outcome.state, undefined); // unknown: the host could not be asked
  } finally {
    await lostPool.close();
    await lost.stop();
  }
});
