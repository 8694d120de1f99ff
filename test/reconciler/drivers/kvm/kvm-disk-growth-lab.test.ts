import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { kvmDriver } from '../../../../reconciler/drivers/kvm/kvm-driver.js';
import { observeDomains } from '../../../../reconciler/drivers/kvm/observe-domains.js';
import type { DesiredDomains } from '../../../../reconciler/drivers/kvm/plan/desired-domains.js';
import type { DomainSpec } from '../../../../reconciler/drivers/kvm/plan/domain-spec.js';
import { planDomains } from '../../../../reconciler/drivers/kvm/plan/plan-domains.js';
import type { Change } from '../../../../reconciler/plan/change.js';
import { SshCommandRunner } from '../../../../reconciler/transports/ssh/ssh-command-runner.js';
import type { SshPool } from '../../../../reconciler/transports/ssh/ssh-pool.js';
import type { SshTarget } from '../../../../reconciler/transports/ssh/ssh-target.js';
import { type LabHypervisor, startLabHypervisor } from '../../../lab/lab-hypervisor.js';
import type { LabLibvirtd } from '../../../lab/libvirtd.js';
import { errorOf, hostContext } from '../../../support/apply-context.js';
import { labDomains } from './fixtures/lab-kvm.js';

// Growing a disk, end to end on the lab's kind of hypervisor: an unprivileged libvirtd (test
// driver) reached through a real sshd, plan from the driver's own observation, apply over SSH.
// The test driver keeps volumes in memory and has no blockresize, so the volume's file is a real
// qcow2 image made here with qemu-img where the test driver's pool says it is (vol-path): the
// shut-off growth is qemu-img on that real file; the running one reaches libvirt's blockresize,
// which the test driver refuses, and the refusal is what the test sees.

const run = promisify(execFile);
const GiB = 1024 ** 3;
const COMMIT = '3333333333333333333333333333333333333333';

let dir: { path: string; remove(): Promise<void> };
let libvirtd: LabLibvirtd;
let pool: SshPool;
let target: SshTarget;
let volumes: string;

let hv: LabHypervisor | undefined;

before(async () => {
  hv = await startLabHypervisor('kvm-grow');
  ({ dir, libvirtd, pool, target } = hv);
  volumes = join(dir.path, 'volumes');
  await mkdir(volumes);
  await virsh('pool-define-as', 'grow', 'dir', '--target', volumes);
  await virsh('pool-start', 'grow');
});
after(() => hv?.stop());

const virsh = (...args: string[]) => run('/usr/bin/virsh', ['-c', libvirtd.uri, ...args]);

async function virtualSize(path: string): Promise<number> {
  const { stdout } = await run('qemu-img', ['info', '--output=json', '-U', path]);
  return (JSON.parse(stdout) as { 'virtual-size': number })['virtual-size'];
}

/** VM grow-01 on a host where pytin provisions volumes, with its root disk at `sizeBytes`. */
function growSpec(sizeBytes: number): DomainSpec {
  const base = labDomains()
    .hypervisors.get('hv-01')!
    .domains.find((d) => d.name === 'acme-web-01')!;
  return {
    ...base,
    name: 'grow-01',
    address: 'vm/grow-01',
    uri: libvirtd.uri,
    strategy: { install: 'define', provisionVolumes: true },
    install: null,
    interfaces: base.interfaces.map((i) => ({ ...i, mac: '52:54:00:ee:00:21' })),
    disks: [{ name: 'root', pool: 'grow', volume: 'grow-01-root', sizeBytes, bus: 'virtio', target: 'vda' }],
  };
}

/** The KVM driver's plan for grow-01 at `sizeBytes` against hv-01 as observed over SSH now. */
async function planFor(sizeBytes: number): Promise<Change[]> {
  const spec = growSpec(sizeBytes);
  const desired: DesiredDomains = {
    hypervisors: new Map([['hv-01', { name: 'hv-01', uri: libvirtd.uri, strategy: spec.strategy, domains: [spec] }]]),
    vmHosts: new Map([['grow-01', 'hv-01']]),
    diagnostics: [],
    diskSizeAt: () => undefined,
  };
  const observed = await observeDomains({ pool, target, timeoutMs: 60_000 }, libvirtd.uri);
  assert.deepEqual(observed.diagnostics, []);
  const plan = planDomains({ desired, observed: new Map([['hv-01', { observedAt: Date.now(), domains: observed.facts! }]]) });
  assert.deepEqual(plan.diagnostics, []);
  return plan.changes.filter((c) => c.address === 'vm/grow-01');
}

async function apply(change: Change) {
  return kvmDriver.apply(change, hostContext(new SshCommandRunner(pool.host(target)), COMMIT));
}

test('a disk that grows in git is resized in place, never replaced: qemu-img on the shut-off volume, blockresize while running', async (t) => {
  const file = join(volumes, 'grow-01-root');
  await t.test('created at 1 GiB (the image is made here, as the storage driver would on a real host)', async () => {
    const [create] = await planFor(1 * GiB);
    assert.equal(create?.action, 'create');
    const created = await apply(create!);
    assert.equal(created.ok, true, errorOf(created));
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', file, String(1 * GiB)]);
    await virsh('destroy', 'grow-01');
  });

  await t.test('grown to 2 GiB while shut off: one update, the real image grows, the domain is the same one', async () => {
    const uuid = (await virsh('domuuid', 'grow-01')).stdout.trim();
    const changes = await planFor(2 * GiB);
    assert.deepEqual(
      changes.map((c) => `${c.action} [${c.fields?.join(',')}]`),
      ['update [disks]'],
    );
    const outcome = await apply(changes[0]!);
    assert.equal(outcome.ok, true, `${errorOf(outcome)}\n${outcome.output}`);
    assert.match(outcome.output, /qemu-img resize -f qcow2 \S*grow-01-root 2147483648\n/);
    assert.equal(await virtualSize(file), 2 * GiB);
    assert.equal((await virsh('domuuid', 'grow-01')).stdout.trim(), uuid, 'not destroyed and defined anew');
    assert.deepEqual(await planFor(2 * GiB), [], 'the record now says 2 GiB: nothing left to plan');
    // The same change again finds the image at its size and resizes nothing.
    const again = await apply(changes[0]!);
    assert.equal(again.ok, true, errorOf(again));
    assert.doesNotMatch(again.output, /resize/);
  });

  await t.test('a disk grown by hand beyond git is not shrunk: the apply stops before touching it', async () => {
    await run('qemu-img', ['resize', '-q', '-f', 'qcow2', file, String(4 * GiB)]);
    const [update] = await planFor(3 * GiB);
    assert.equal(update?.action, 'update');
    const outcome = await apply(update!);
    assert.equal(outcome.ok, false);
    assert.match(errorOf(outcome) ?? '', /^APPLY_KVM_DISK_LARGER_ON_HOST: disk root of grow-01 is 4 GiB on hv-01, git says 3 GiB/);
    assert.equal(await virtualSize(file), 4 * GiB);
  });

  await t.test('running, the growth goes to libvirt (blockresize), whose refusal on the test driver is reported', async () => {
    await virsh('start', 'grow-01');
    const [update] = await planFor(5 * GiB);
    assert.equal(update?.action, 'update');
    const outcome = await apply(update!);
    // The test driver implements no virDomainBlockResize: a real hypervisor's qemu would resize.
    assert.equal(outcome.ok, false);
    assert.match(
      errorOf(outcome) ?? '',
      /^APPLY_KVM_COMMAND_FAILED: growing disk root of grow-01 failed: [\s\S]*not supported by the connection driver: virDomainBlockResize/,
    );
    assert.match(outcome.output, /virsh -c .* blockresize grow-01 vda 5368709120B/);
    assert.doesNotMatch(outcome.output, /qemu-img resize/);
    assert.equal(await virtualSize(file), 4 * GiB);
  });
});
