import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { kickstartPathOnHost } from '../../../../reconciler/drivers/kvm/apply/virt-install.js';
import type { DomainFacts } from '../../../../reconciler/drivers/kvm/domain-facts.js';
import { kvmDriver } from '../../../../reconciler/drivers/kvm/kvm-driver.js';
import { observeDomains } from '../../../../reconciler/drivers/kvm/observe-domains.js';
import { readOwnership } from '../../../../reconciler/drivers/kvm/ownership.js';
import { planDomains } from '../../../../reconciler/drivers/kvm/plan/plan-domains.js';
import type { DriverPlan } from '../../../../reconciler/plan/planning-port.js';
import { SshCommandRunner } from '../../../../reconciler/transports/ssh/ssh-command-runner.js';
import { SshPool } from '../../../../reconciler/transports/ssh/ssh-pool.js';
import type { SshTarget } from '../../../../reconciler/transports/ssh/ssh-target.js';
import { makeTempDir } from '../../../lab/daemon.js';
import { type LabLibvirtd, startLabLibvirtd } from '../../../lab/libvirtd.js';
import { type LabSshd, startSshd } from '../../../lab/sshd.js';
import { errorOf, hostContext } from '../../../support/apply-context.js';
import { labTexts } from '../../../support/lab-inventory.js';
import { labDomains } from './fixtures/lab-kvm.js';

// The virt-install strategy, for real: virt-install (virtinst) runs on the "hypervisor" (this
// machine, reached through a real sshd) against the lab libvirtd's test driver. Nothing boots
// (no /dev/kvm), but virt-install does everything up to that: reads the install tree, injects
// the kickstart into the initrd (cpio), defines and starts the domain. The install tree is a
// local folder with a .treeinfo and placeholder kernel and initrd: no network.

const run = promisify(execFile);
let dir: { path: string; remove(): Promise<void> };
let libvirtd: LabLibvirtd;
let sshd: LabSshd;
let pool: SshPool;
let target: SshTarget;
let tree: string;

before(async () => {
  dir = await makeTempDir('kvm-virt-install');
  tree = join(dir.path, 'tree');
  await mkdir(join(tree, 'images', 'pxeboot'), { recursive: true });
  await writeFile(
    join(tree, '.treeinfo'),
    '[general]\nfamily = CentOS Stream\nname = CentOS Stream 9\nversion = 9\narch = x86_64\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n',
  );
  await writeFile(join(tree, 'images', 'pxeboot', 'vmlinuz'), 'placeholder kernel\n');
  await writeFile(join(tree, 'images', 'pxeboot', 'initrd.img'), 'placeholder initrd\n');
  libvirtd = await startLabLibvirtd();
  sshd = await startSshd();
  pool = new SshPool({ knownHostsPath: join(dir.path, 'known_hosts'), trustNewHosts: true, connectTimeoutMs: 5000 });
  target = { name: 'hv-01', host: '127.0.0.1', port: sshd.port, user: sshd.user, privateKeyPath: sshd.clientKeyPath };
  await virsh('pool-define-as', 'default', 'dir', '--target', '/pytin-lab-images');
  await virsh('pool-start', 'default');
});
after(async () => {
  await pool?.close();
  await sshd?.stop();
  await libvirtd?.stop();
  await dir?.remove();
  // The one file apply writes outside libvirt; the delete below removes it, this is for a failure.
  await rm(kickstartPathOnHost('acme-web-01'), { force: true });
});

const virsh = (...args: string[]) => run('/usr/bin/virsh', ['-c', libvirtd.uri, ...args]);

/** The lab with hv-01 on the lab libvirtd, acme-web-01 installed from the local tree, and disks
 * small enough for the test driver's 100 GiB pool. */
function inventory(): Map<string, string> {
  const texts = labTexts();
  const edit = (file: string, find: string, replace: string) => {
    const text = texts.get(file)!;
    assert.ok(text.includes(find), `${file}: ${find}`);
    texts.set(file, text.replace(find, replace));
  };
  edit('servers/hypervisors.yaml', 'uri: "test+unix:///default?socket=/run/pytin-lab/hv-01/libvirt-sock"', `uri: "${libvirtd.uri}"`);
  edit('vms/acme.yaml', 'tree: "http://mirror.lab.invalid/centos/9/BaseOS/x86_64/os"', `tree: "${tree}"`);
  edit('vms/acme.yaml', '{name: data, size: 200GiB}', '{name: data, size: 10GiB}');
  return texts;
}

const STRATEGY = new Map([['hv-01', { install: 'virt-install' as const, provisionVolumes: true }]]);

/** hv-01's domains as the KVM driver's probe reads them over SSH. */
async function domainsNow(): Promise<DomainFacts[]> {
  const observed = await observeDomains({ pool, target, timeoutMs: 60_000 }, libvirtd.uri);
  assert.deepEqual(observed.diagnostics, []);
  return observed.facts!;
}

async function plan(texts: Map<string, string>): Promise<DriverPlan> {
  return planDomains({
    desired: labDomains(texts, { strategies: STRATEGY }),
    observed: new Map([['hv-01', { observedAt: Date.now(), domains: await domainsNow() }]]),
  });
}

async function applyAll(p: DriverPlan, commit: string): Promise<void> {
  const runner = new SshCommandRunner(pool.host(target));
  for (const change of p.changes) {
    const outcome = await kvmDriver.apply(change, hostContext(runner, commit));
    assert.equal(outcome.ok, true, `${change.action} ${change.address}: ${errorOf(outcome)}\n${outcome.output}`);
  }
}

test('on a virt-install host, a VM with an install source is installed with its kickstart; the plan is then empty', async () => {
  const git = inventory();
  const first = await plan(git);
  assert.deepEqual(
    first.changes.map((c) => `${c.action} ${c.address}`),
    ['create vm/acme-db-01', 'create vm/acme-web-01', 'create vm/globex-app-02'],
  );
  await applyAll(first, 'c1');

  // virt-install booted the installer: kernel and initrd from the tree, the kickstart named on
  // the kernel command line (it was injected into the initrd).
  const { stdout: live } = await virsh('dumpxml', 'acme-web-01');
  assert.match(live, /<cmdline>inst\.ks=file:\/acme-web-01\.cfg console=ttyS0<\/cmdline>/);
  assert.match(live, /<initrd>[^<]+<\/initrd>/);
  // The kickstart on the host: root-only, the VM's address, the tenant's key, no password.
  const ksPath = kickstartPathOnHost('acme-web-01');
  assert.equal((await stat(ksPath)).mode & 0o777, 0o600);
  const kickstart = await readFile(ksPath, 'utf8');
  assert.match(kickstart, /--ip=203\.0\.113\.10 --netmask=255\.255\.255\.0 --gateway=203\.0\.113\.1/);
  assert.match(kickstart, /^sshkey --username=root "ssh-ed25519 \S+ ops@acme"$/m);
  assert.match(kickstart, /^rootpw --lock$/m);

  // pytin's record and limits were added after virt-install; the disks are pool volumes.
  const web = (await domainsNow()).find((d) => d.name === 'acme-web-01')!;
  assert.equal(readOwnership(web.pytin)?.address, 'vm/acme-web-01');
  assert.equal(web.interfaces[0]?.bandwidth.inbound?.averageKiBps, 12500);
  assert.deepEqual(
    web.disks.map((d) => [d.type, d.source]),
    [['volume', 'default/acme-web-01-root']],
  );
  const { stdout: volumes } = await virsh('vol-list', 'default');
  for (const volume of ['acme-web-01-root', 'acme-db-01-root', 'acme-db-01-data', 'globex-app-02-root']) assert.match(volumes, new RegExp(volume));

  // The installer runs with more memory than asked (virt-install raises it for tree installs):
  // the plan still compares the configuration pytin recorded, so it is empty.
  const second = await plan(git);
  assert.deepEqual([second.changes, second.drift.map((d) => `${d.kind} ${d.address}`)], [[], ['unknown-vm vm/test']]);

  // Removed from git: the domain, its volume and its kickstart go.
  const removed = new Map(git);
  removed.set('vms/acme.yaml', git.get('vms/acme.yaml')!.replace(/^[\s\S]*?---\n(?=kind: VM\nname: acme-web-02)/, ''));
  const third = await plan(removed);
  assert.deepEqual(
    third.changes.map((c) => `${c.action} ${c.address}`),
    ['delete vm/acme-web-01'],
  );
  await applyAll(third, 'c2');
  assert.doesNotMatch((await virsh('list', '--all', '--name')).stdout, /acme-web-01/);
  assert.doesNotMatch((await virsh('vol-list', 'default')).stdout, /acme-web-01-root/);
  await assert.rejects(stat(ksPath), /ENOENT/);
  assert.deepEqual((await plan(removed)).changes, []);
});
