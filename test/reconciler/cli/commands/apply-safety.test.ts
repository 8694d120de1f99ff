import assert from 'node:assert/strict';
import { chmodSync, copyFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { tryTakeApplyLock } from '../../../../reconciler/store/apply/apply-lock.js';
import { changeOutcomes, lastApplyRun } from '../../../../reconciler/store/apply/apply-runs.js';
import { openStore } from '../../../../reconciler/store/open-store.js';
import { makeTempDir } from '../../../lab/daemon.js';
import type { LabEnvironment } from '../../../lab/lab-environment.js';
import { libvirtDomainNames, libvirtDomainXml } from '../../../lab/libvirtd.js';
import { startSshd } from '../../../lab/sshd.js';
import { commitEdit, plannedChanges, pytinIn, startAppliedLab } from '../../../support/pytin-in-lab.js';

let lab: LabEnvironment;
before(async () => {
  lab = await startAppliedLab();
});
after(async () => {
  await lab?.stop();
});

const storePath = () => join(lab.repoDir, '.pytin', 'store.sqlite');

test('a concurrent apply is refused by the lock, naming its holder; lock status and break', async () => {
  const store = await openStore(storePath());
  // A holder on another machine: pytin cannot tell whether it still runs.
  const taken = await tryTakeApplyLock(store, { holder: 'ci@runner-7', host: 'runner-7', pid: 4242, commit: 'c'.repeat(40), since: Date.now() - 60_000 });
  await store.close();
  assert.ok(taken.taken);
  const refused = await pytinIn(lab, 'apply', '--auto-approve');
  assert.equal(refused.code, 1);
  assert.match(refused.err, /APPLY_LOCKED: another apply holds the lock: ci@runner-7 \(pid 4242 on runner-7\), commit cccccccccccc/);
  const status = await pytinIn(lab, 'lock', 'status');
  assert.match(status.out, /Locked by ci@runner-7/);
  const careful = await pytinIn(lab, 'lock', 'break');
  assert.equal(careful.code, 1);
  assert.match(careful.err, /taken on another machine/);
  const forced = await pytinIn(lab, 'lock', 'break', '--force');
  assert.equal(forced.code, 0);
  assert.match((await pytinIn(lab, 'lock', 'status')).out, /No apply holds the lock/);
});

test('a lock whose holder process is gone can be broken without --force', async () => {
  const store = await openStore(storePath());
  await tryTakeApplyLock(store, { holder: 'me', host: hostname(), pid: 2 ** 22 + 17, commit: null, since: Date.now() });
  await store.close();
  assert.match((await pytinIn(lab, 'lock', 'status')).out, /its process is gone/);
  assert.equal((await pytinIn(lab, 'lock', 'break')).code, 0);
});

test('a protected VM is never destroyed without --allow-destroy', async () => {
  const hv1 = lab.libvirtd['hv-01'];
  assert.ok((await libvirtDomainNames(hv1)).includes('acme-db-01'), 'the lab apply defined acme-db-01 on hv-01');
  const definedBefore = await libvirtDomainXml(hv1, 'acme-db-01');
  commitEdit(lab, 'vms/acme.yaml', (t) => t.slice(0, t.indexOf('---\nkind: VM\nname: acme-db-01')));
  const plan = await pytinIn(lab, 'plan');
  assert.equal(plan.code, 1);
  assert.match(plan.out, /error PLAN_PROTECTED_DESTROY: vm\/acme-db-01 is protected and the plan would delete it/);
  const refused = await pytinIn(lab, 'apply', '--auto-approve');
  assert.equal(refused.code, 1);
  assert.match(refused.err, /APPLY_REFUSED: nothing was applied[\s\S]*PLAN_PROTECTED_DESTROY/);
  // libvirt, not pytin, says whether the refusal held: the domain is still defined, unchanged.
  assert.ok((await libvirtDomainNames(hv1)).includes('acme-db-01'), 'libvirt still has acme-db-01 after the refused apply');
  assert.equal(await libvirtDomainXml(hv1, 'acme-db-01'), definedBefore);
  assert.match((await pytinIn(lab, 'plan', '--json')).out, /"action":"delete","driver":"kvm","host":"hv-01"/);
  const allowed = await pytinIn(lab, 'apply', '--auto-approve', '--allow-destroy', 'vm/acme-db-01');
  assert.equal(allowed.code, 0, allowed.out + allowed.err);
  assert.match(allowed.out, /applied delete +vm\/acme-db-01 on hv-01/);
  assert.ok(!(await libvirtDomainNames(hv1)).includes('acme-db-01'), 'with --allow-destroy libvirt no longer has acme-db-01');
});

test('a plan deleting more than 10% of the VMs is refused without --allow-mass-destroy', async () => {
  const domainsOf = async () => ({ 'hv-01': await libvirtDomainNames(lab.libvirtd['hv-01']), 'hv-02': await libvirtDomainNames(lab.libvirtd['hv-02']) });
  const domainsBefore = await domainsOf();
  assert.ok(domainsBefore['hv-01'].includes('globex-app-02') && domainsBefore['hv-02'].includes('globex-cache-01'), JSON.stringify(domainsBefore));
  commitEdit(lab, 'vms/globex.yaml', (t) => t.slice(0, t.indexOf('---\nkind: VM\nname: globex-app-02')));
  const plan = await pytinIn(lab, 'plan', '--json');
  assert.deepEqual(plannedChanges(plan.out), ['delete vm/globex-app-02', 'delete vm/globex-cache-01']);
  const refused = await pytinIn(lab, 'apply', '--auto-approve');
  assert.equal(refused.code, 1);
  assert.match(refused.err, /PLAN_MASS_DESTROY: the plan deletes 2 of 5 vm resources/);
  // Both hypervisors still have every domain they had: the refusal touched nothing.
  assert.deepEqual(await domainsOf(), domainsBefore);
  assert.equal((await pytinIn(lab, 'apply', '--auto-approve', '--allow-mass-destroy')).code, 0);
  assert.deepEqual(await domainsOf(), {
    'hv-01': domainsBefore['hv-01'].filter((name) => name !== 'globex-app-02'),
    'hv-02': domainsBefore['hv-02'].filter((name) => name !== 'globex-cache-01'),
  });
});

test('a hypervisor lost during apply: exit 1, the others done, the store says which, the next apply converges', async (t) => {
  commitEdit(
    lab,
    'vms/globex.yaml',
    (t) =>
      t +
      [
        '---',
        'kind: VM',
        'name: globex-app-09',
        'tenant: globex',
        'hypervisor: hv-02',
        'vcpus: 1',
        'memory: 1GiB',
        'disks:',
        '  - {name: root, size: 10GiB}',
        'interfaces:',
        '  - name: eth0',
        '    ips: [203.0.113.29]',
        '',
      ].join('\n'),
  );
  commitEdit(
    lab,
    'vms/acme.yaml',
    (t) =>
      t +
      [
        '---',
        'kind: VM',
        'name: acme-web-09',
        'tenant: acme',
        'hypervisor: hv-01',
        'vcpus: 1',
        'memory: 1GiB',
        'disks:',
        '  - {name: root, size: 10GiB}',
        'interfaces:',
        '  - name: eth0',
        '    ips: [203.0.113.39]',
        '',
      ].join('\n'),
  );
  const hv2 = lab.sshd['hv-02'];
  // Keep hv-02's host key: it comes back later as the same host.
  const keep = await makeTempDir('hostkey');
  t.after(keep.remove);
  copyFileSync(hv2.hostKeyPath, join(keep.path, 'host_key'));
  copyFileSync(`${hv2.hostKeyPath}.pub`, join(keep.path, 'host_key.pub'));
  chmodSync(join(keep.path, 'host_key'), 0o600);
  await hv2.stop();
  const apply = await pytinIn(lab, 'apply', '--auto-approve');
  assert.equal(apply.code, 1);
  assert.match(apply.out, /applied create +vm\/acme-web-09 on hv-01/);
  assert.match(apply.out, /FAILED +create +vm\/globex-app-09 on hv-02/);
  const store = await openStore(storePath());
  try {
    const run = await lastApplyRun(store);
    assert.equal(run?.status, 'failed');
    const outcomes = await changeOutcomes(store, run!.id);
    assert.deepEqual(outcomes.map((o) => `${o.status} ${o.address}`).sort(), ['applied vm/acme-web-09', 'failed vm/globex-app-09']);
  } finally {
    await store.close();
  }
  // hv-02 comes back (same port, same host key): the next plan shows only what is left.
  const back = await startSshd({ port: hv2.port, hostKeyPath: join(keep.path, 'host_key'), clientKeyPath: hv2.clientKeyPath });
  t.after(back.stop);
  const left = await pytinIn(lab, 'plan', '--refresh', '--json');
  assert.deepEqual(plannedChanges(left.out), ['create vm/globex-app-09']);
  assert.equal((await pytinIn(lab, 'apply', '--auto-approve')).code, 0);
  assert.equal((await pytinIn(lab, 'plan', '--detailed-exitcode')).code, 0);
});
