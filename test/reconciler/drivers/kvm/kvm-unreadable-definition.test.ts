import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { kvmDriver } from '../../../../reconciler/drivers/kvm/kvm-driver.js';
import { observeDomains } from '../../../../reconciler/drivers/kvm/observe-domains.js';
import { planDomains } from '../../../../reconciler/drivers/kvm/plan/plan-domains.js';
import { SshCommandRunner } from '../../../../reconciler/transports/ssh/ssh-command-runner.js';
import { SshPool } from '../../../../reconciler/transports/ssh/ssh-pool.js';
import type { SshTarget } from '../../../../reconciler/transports/ssh/ssh-target.js';
import { makeTempDir } from '../../../lab/daemon.js';
import { type FaultyVirsh, installFaultyVirsh } from '../../../lab/faulty-virsh.js';
import { type LabLibvirtd, libvirtDomainXml, startLabLibvirtd } from '../../../lab/libvirtd.js';
import { type LabSshd, startSshd } from '../../../lab/sshd.js';
import { errorOf, hostContext } from '../../../support/apply-context.js';
import { labTexts } from '../../../support/lab-inventory.js';
import { labDomains } from './fixtures/lab-kvm.js';

// hv-01 as in kvm-lab.test.ts (a real libvirtd behind a real sshd), whose virsh is wrapped so that
// it can print a definition no XML parser accepts: what apply does when it cannot read back what
// it is about to change.

const run = promisify(execFile);

let dir: { path: string; remove(): Promise<void> };
let libvirtd: LabLibvirtd;
let virsh: FaultyVirsh;
let sshd: LabSshd;
let pool: SshPool;
let target: SshTarget;

before(async () => {
  dir = await makeTempDir('kvm-unreadable');
  libvirtd = await startLabLibvirtd();
  virsh = await installFaultyVirsh(dir.path);
  sshd = await startSshd({ commandPrefix: `/usr/bin/env PATH=${virsh.bin}:/usr/sbin:/usr/bin:/sbin:/bin` });
  pool = new SshPool({ knownHostsPath: join(dir.path, 'known_hosts'), trustNewHosts: true, connectTimeoutMs: 30_000 });
  target = { name: 'hv-01', host: '127.0.0.1', port: sshd.port, user: sshd.user, privateKeyPath: sshd.clientKeyPath };
});
after(async () => {
  await pool?.close();
  await sshd?.stop();
  await libvirtd?.stop();
  await dir?.remove();
});

function inventory(edit: (acme: string) => string = (s) => s): Map<string, string> {
  const texts = labTexts();
  const servers = texts.get('servers/hypervisors.yaml')!;
  texts.set('servers/hypervisors.yaml', servers.replace('uri: "test+unix:///default?socket=/run/pytin-lab/hv-01/libvirt-sock"', `uri: "${libvirtd.uri}"`));
  texts.set('vms/acme.yaml', edit(texts.get('vms/acme.yaml')!));
  return texts;
}

async function planFor(texts: Map<string, string>) {
  const observed = await observeDomains({ pool, target, timeoutMs: 60_000 }, libvirtd.uri);
  assert.deepEqual(observed.diagnostics, []);
  return planDomains({ desired: labDomains(texts), observed: new Map([['hv-01', { observedAt: Date.now(), domains: observed.facts }]]) });
}

test('a definition the host prints broken is APPLY_KVM_UNREADABLE, and the change is not made', async () => {
  const runner = new SshCommandRunner(pool.host(target));
  const create = (await planFor(inventory())).changes.find((c) => c.address === 'vm/acme-web-01' && c.action === 'create');
  assert.ok(create, 'acme-web-01 is to be created');
  const created = await kvmDriver.apply(create, hostContext(runner, '1111111111111111111111111111111111111111'));
  assert.equal(created.ok, true, errorOf(created));
  /** Both definitions, asked of libvirt itself (not through the wrapper). */
  const definitions = async () => [
    await libvirtDomainXml(libvirtd, 'acme-web-01'),
    (await run('/usr/bin/virsh', ['-c', libvirtd.uri, 'dumpxml', 'acme-web-01'])).stdout,
  ];
  const before = await definitions();
  assert.match(before[1]!, /<inbound average='12500'/);

  const faster = inventory((s) => s.replace('bandwidth: {inbound: 100Mbit, outbound: 100Mbit}', 'bandwidth: {inbound: 200Mbit, outbound: 100Mbit}'));
  const update = (await planFor(faster)).changes.find((c) => c.address === 'vm/acme-web-01');
  assert.equal(update?.action, 'update');

  await virsh.set({ kind: 'truncate-xml' });
  try {
    const outcome = await kvmDriver.apply(update, hostContext(runner, '2222222222222222222222222222222222222222'));
    assert.equal(outcome.ok, false);
    assert.match(errorOf(outcome)!, /^APPLY_KVM_UNREADABLE: the definition of acme-web-01 on hv-01 could not be read: /);
  } finally {
    await virsh.set({ kind: 'none' });
  }
  // The domain is as it was, live and persistent, limit included.
  assert.deepEqual(await definitions(), before);
});
