import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import type { ApplyOutcome } from '../../../../reconciler/drivers/driver.js';
import { kvmDriver } from '../../../../reconciler/drivers/kvm/kvm-driver.js';
import { observeDomains } from '../../../../reconciler/drivers/kvm/observe-domains.js';
import { planDomains } from '../../../../reconciler/drivers/kvm/plan/plan-domains.js';
import type { Change } from '../../../../reconciler/plan/change.js';
import { SshCommandRunner } from '../../../../reconciler/transports/ssh/ssh-command-runner.js';
import type { SshPool } from '../../../../reconciler/transports/ssh/ssh-pool.js';
import type { SshTarget } from '../../../../reconciler/transports/ssh/ssh-target.js';
import { type LabHypervisor, startLabHypervisor } from '../../../lab/lab-hypervisor.js';
import type { LabLibvirtd } from '../../../lab/libvirtd.js';
import { errorOf, hostContext } from '../../../support/apply-context.js';
import { labTexts } from '../../../support/lab-inventory.js';
import { labDomains } from './fixtures/lab-kvm.js';

// Volumes are per VM (`<vm>-<disk>`), but a domain pytin does not own can still name one: by hand,
// or left behind. On a host where pytin provisions volumes, a create that finds its volume already
// there reuses it only when no domain uses it, and a delete never removes a volume another domain
// uses. Both refusals change nothing. Real libvirtd (test driver) behind a real sshd; the pool is
// the test driver's in-memory dir pool.

const run = promisify(execFile);
let dir: { path: string; remove(): Promise<void> };
let libvirtd: LabLibvirtd;
let pool: SshPool;
let target: SshTarget;
const POOL_DIR = '/pytin-lab-images';

let hv: LabHypervisor | undefined;

before(async () => {
  hv = await startLabHypervisor('kvm-volume-in-use');
  ({ dir, libvirtd, pool, target } = hv);
  await virsh('pool-define-as', 'default', 'dir', '--target', POOL_DIR);
  await virsh('pool-start', 'default');
});
after(() => hv?.stop());

const virsh = (...args: string[]) => run('/usr/bin/virsh', ['-c', libvirtd.uri, ...args]);
const volumes = async () => (await virsh('vol-list', 'default')).stdout;
const domains = async () =>
  (await virsh('list', '--all', '--name')).stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();

/** The lab with hv-01 on the lab libvirtd; acme-db-01's disks small enough for the test pool. */
function inventory(): Map<string, string> {
  const texts = labTexts();
  const edit = (file: string, find: string, replace: string) => {
    assert.ok(texts.get(file)!.includes(find), `${file}: ${find}`);
    texts.set(file, texts.get(file)!.replace(find, replace));
  };
  edit('servers/hypervisors.yaml', 'uri: "test+unix:///default?socket=/run/pytin-lab/hv-01/libvirt-sock"', `uri: "${libvirtd.uri}"`);
  edit('vms/acme.yaml', '{name: data, size: 200GiB}', '{name: data, size: 10GiB}');
  return texts;
}

const STRATEGY = new Map([['hv-01', { install: 'virt-install' as const, provisionVolumes: true }]]);

/** The KVM change git plans for `address` on hv-01 against what the host has now. */
async function changeFor(texts: Map<string, string>, address: string): Promise<Change> {
  const observed = await observeDomains({ pool, target, timeoutMs: 60_000 }, libvirtd.uri);
  assert.deepEqual(observed.diagnostics, []);
  const plan = planDomains({
    desired: labDomains(texts, { strategies: STRATEGY }),
    observed: new Map([['hv-01', { observedAt: Date.now(), domains: observed.facts! }]]),
  });
  const change = plan.changes.find((c) => c.address === address);
  assert.ok(change, `no change for ${address}: ${plan.changes.map((c) => c.address).join(', ')}`);
  return change;
}

async function apply(change: Change): Promise<ApplyOutcome> {
  return kvmDriver.apply(change, hostContext(new SshCommandRunner(pool.host(target)), 'c1'));
}

/** A domain pytin does not own whose one disk is `disk` (libvirt XML). */
async function defineIntruder(name: string, disk: string): Promise<string> {
  const xml = `<domain type="test"><name>${name}</name><memory>1048576</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices>${disk}</devices></domain>`;
  const file = join(dir.path, `${name}.xml`);
  await writeFile(file, xml);
  await virsh('define', file);
  return (await virsh('dumpxml', name)).stdout;
}

test('a create whose volume another domain uses is refused before anything is created', async () => {
  const texts = inventory();
  // Left on the host, and used by a domain that is not pytin's.
  await virsh('vol-create-as', 'default', 'acme-db-01-data', '1073741824', '--format', 'qcow2');
  const intruder = await defineIntruder(
    'intruder',
    `<disk type="volume" device="disk"><source pool="default" volume="acme-db-01-data"/><target dev="vda" bus="virtio"/></disk>`,
  );

  const create = await changeFor(texts, 'vm/acme-db-01');
  assert.equal(create.action, 'create');
  const outcome = await apply(create);
  assert.equal(outcome.ok, false);
  assert.match(
    errorOf(outcome) ?? '',
    /^APPLY_KVM_VOLUME_IN_USE: volume default\/acme-db-01-data is used by domain intruder on hv-01; acme-db-01 was not created and nothing was changed$/,
  );
  // Nothing changed: no domain, the missing root volume not created, the other domain and its
  // volume as they were.
  assert.deepEqual(await domains(), ['intruder', 'test']);
  assert.doesNotMatch(await volumes(), /acme-db-01-root/);
  assert.match(await volumes(), /acme-db-01-data/);
  assert.equal((await virsh('dumpxml', 'intruder')).stdout, intruder);
  // The change's output names the check, not the other domains' definitions.
  assert.doesNotMatch(outcome.output, /<domain/);

  // The same volume named by its file: still in use.
  await virsh('undefine', 'intruder');
  await defineIntruder('intruder', `<disk type="file" device="disk"><source file="${POOL_DIR}/acme-db-01-data"/><target dev="vda" bus="virtio"/></disk>`);
  const byPath = await apply(await changeFor(texts, 'vm/acme-db-01'));
  assert.match(errorOf(byPath) ?? '', /^APPLY_KVM_VOLUME_IN_USE: volume default\/acme-db-01-data is used by domain intruder/);
  assert.doesNotMatch(await volumes(), /acme-db-01-root/);

  // Once nobody uses it, the volume left behind is reused (an interrupted create converges).
  await virsh('undefine', 'intruder');
  const converged = await apply(await changeFor(texts, 'vm/acme-db-01'));
  assert.equal(converged.ok, true, `${errorOf(converged)}\n${converged.output}`);
  assert.match(await volumes(), /acme-db-01-root/);
});

test('a delete never removes a volume another domain uses; refused, nothing changes', async () => {
  const texts = inventory();
  const created = await apply(await changeFor(texts, 'vm/globex-app-02'));
  assert.equal(created.ok, true, `${errorOf(created)}\n${created.output}`);
  const intruder = await defineIntruder(
    'intruder',
    `<disk type="file" device="disk"><source file="${POOL_DIR}/globex-app-02-root"/><target dev="vda" bus="virtio"/></disk>`,
  );

  const gone = new Map(texts);
  gone.set('vms/globex.yaml', texts.get('vms/globex.yaml')!.replace(/kind: VM\nname: globex-app-02\n[\s\S]*?---\n/, ''));
  const remove = await changeFor(gone, 'vm/globex-app-02');
  assert.equal(remove.action, 'delete');
  const before = (await virsh('dumpxml', 'globex-app-02')).stdout;
  const outcome = await apply(remove);
  assert.match(
    errorOf(outcome) ?? '',
    /^APPLY_KVM_VOLUME_IN_USE: volume default\/globex-app-02-root is used by domain intruder on hv-01; globex-app-02 was not removed and nothing was changed$/,
  );
  assert.equal((await virsh('domstate', 'globex-app-02')).stdout.trim(), 'running');
  assert.equal((await virsh('dumpxml', 'globex-app-02')).stdout, before);
  assert.match(await volumes(), /globex-app-02-root/);
  assert.equal((await virsh('dumpxml', 'intruder')).stdout, intruder);

  await virsh('undefine', 'intruder');
  const deleted = await apply(remove);
  assert.equal(deleted.ok, true, `${errorOf(deleted)}\n${deleted.output}`);
  assert.ok(!(await domains()).includes('globex-app-02'));
  assert.doesNotMatch(await volumes(), /globex-app-02-root/);
});

test('a delete whose ownership record names a volume pytin does not make for the VM deletes nothing', async () => {
  const texts = inventory();
  const created = await apply(await changeFor(texts, 'vm/globex-app-02'));
  assert.equal(created.ok, true, `${errorOf(created)}\n${created.output}`);
  // Someone edits pytin's record on the host to point the VM's disk at another VM's volume.
  const record = (await virsh('metadata', 'globex-app-02', 'https://pytin.dev/ns/1')).stdout;
  const forged = record.replace('volume="globex-app-02-root"', 'volume="acme-db-01-data"');
  assert.notEqual(forged, record);
  await virsh('metadata', 'globex-app-02', 'https://pytin.dev/ns/1', '--key', 'pytin', '--set', forged, '--config', '--live');

  const gone = new Map(texts);
  gone.set('vms/globex.yaml', texts.get('vms/globex.yaml')!.replace(/kind: VM\nname: globex-app-02\n[\s\S]*?---\n/, ''));
  const outcome = await apply(await changeFor(gone, 'vm/globex-app-02'));
  assert.match(errorOf(outcome) ?? '', /^APPLY_KVM_VOLUME_NOT_OWNED: pytin's record on domain globex-app-02 on hv-01 names volume "default\/acme-db-01-data"/);
  assert.ok((await domains()).includes('globex-app-02'));
  assert.match(await volumes(), /acme-db-01-data/);
  assert.match(await volumes(), /globex-app-02-root/);
});
