import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { readHostFacts } from '../../../../reconciler/store/facts/host-store.js';
import { openStore } from '../../../../reconciler/store/open-store.js';
import type { LabEnvironment } from '../../../lab/lab-environment.js';
import { libvirtDomainNames } from '../../../lab/libvirtd.js';
import { commitEdit, plannedChanges, pytinIn, startAppliedLab } from '../../../support/pytin-in-lab.js';

// A saved plan is bound to the facts it was made from: a hand change on a hypervisor, once
// observed, makes it stale; what moves with the clock (a lock's age, the observation time) does not.

const run = promisify(execFile);
let lab: LabEnvironment;
before(async () => {
  lab = await startAppliedLab();
});
after(async () => {
  await lab?.stop();
});

const storePath = () => join(lab.repoDir, '.pytin', 'store.sqlite');
const target = () => join(lab.dir, 'backups', 'home');

function addVm(name: string, hypervisor: string, ip: string): void {
  commitEdit(
    lab,
    'vms/globex.yaml',
    (t) =>
      t +
      [
        '---',
        'kind: VM',
        `name: ${name}`,
        'tenant: globex',
        `hypervisor: ${hypervisor}`,
        'vcpus: 1',
        'memory: 1GiB',
        'disks:',
        '  - {name: root, size: 10GiB}',
        'interfaces:',
        '  - name: eth0',
        `    ips: [${ip}]`,
        '',
      ].join('\n'),
    `add ${name}`,
  );
}

/** The lock age and observation time of alice's backup series as the store holds them. */
async function storedBackupFacts(): Promise<{ lockAgeSeconds: number; observedAt: number }> {
  const store = await openStore(storePath());
  try {
    const fact = (await readHostFacts(store, 'backup-01')).facts.get('backups');
    assert.ok(fact, 'backup-01 has stored backup facts');
    const policies = (fact.value as { policies: Array<{ series: Array<{ user?: string; lock: { ageSeconds: number } | null }> | null }> }).policies;
    const alice = policies[0]?.series?.find((s) => s.user === 'alice');
    assert.ok(alice?.lock, 'alice has a lock in the stored facts');
    return { lockAgeSeconds: alice.lock.ageSeconds, observedAt: fact.observedAt };
  } finally {
    await store.close();
  }
}

function writeForeignLock(startedAt: Date): void {
  // A lock held on another machine: its age is all that moves between observations.
  writeFileSync(
    join(target(), 'alice', 'home-users.lock'),
    JSON.stringify({ pid: 4242, host: 'backup-runner-elsewhere', startedAt: startedAt.toISOString(), processStart: null }),
  );
}

test('a lock older and an observation later do not make a saved plan stale: it applies', async () => {
  // Make alice's series exist, as cron would, then give it a lock.
  const line = readFileSync(join(lab.dir, 'cron.d', 'pytin-backup-home-users'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('30 2'))!;
  const command = line.replace(/^30 2 \* \* \* root /, '').replace(/ >\/dev\/null 2>&1$/, '');
  execFileSync('/bin/sh', ['-c', command], { env: { ...process.env, PATH: `${join(lab.dir, 'bin')}:${process.env.PATH}` } });
  writeForeignLock(new Date(Date.now() - 600_000));
  assert.equal((await pytinIn(lab, 'observe', '--only', 'hosts')).code, 0);
  const first = await storedBackupFacts();

  addVm('globex-app-07', 'hv-01', '203.0.113.27');
  const saved = await pytinIn(lab, 'plan', '--out', 'later.plan', '--json');
  assert.equal(saved.code, 0, saved.err);
  assert.deepEqual(plannedChanges(saved.out), ['create vm/globex-app-07']);

  writeForeignLock(new Date(Date.now() - 7_200_000));
  assert.equal((await pytinIn(lab, 'observe', '--only', 'hosts')).code, 0);
  const second = await storedBackupFacts();
  // The premise: the stored facts really moved (an older lock, a newer observation).
  assert.ok(second.lockAgeSeconds >= first.lockAgeSeconds + 6_000, `lock age ${first.lockAgeSeconds} s -> ${second.lockAgeSeconds} s`);
  assert.ok(second.observedAt > first.observedAt);

  const applied = await pytinIn(lab, 'apply', 'later.plan');
  assert.equal(applied.code, 0, applied.out + applied.err);
  assert.ok((await libvirtDomainNames(lab.libvirtd['hv-01'])).includes('globex-app-07'), 'libvirt has the domain the saved plan created');
  rmSync(join(target(), 'alice', 'home-users.lock'));
});

test('a hand change on a hypervisor, once observed, makes a saved plan stale: nothing is applied', async () => {
  addVm('globex-app-08', 'hv-02', '203.0.113.28');
  const saved = await pytinIn(lab, 'plan', '--out', 'before-hand-change.plan', '--json');
  assert.equal(saved.code, 0, saved.err);
  assert.deepEqual(plannedChanges(saved.out), ['create vm/globex-app-08']);

  // An operator lowers acme-web-01's outbound limit by hand, on the hypervisor itself.
  const hv1 = lab.libvirtd['hv-01'];
  await run('/usr/bin/virsh', ['-c', hv1.uri, 'domiftune', 'acme-web-01', '52:54:00:a0:00:01', '--live', '--outbound', '1000']);
  // Not yet observed: the plan still matches the store, so it would apply; observe, and it must not.
  assert.equal((await pytinIn(lab, 'observe', '--only', 'hosts')).code, 0);

  const refused = await pytinIn(lab, 'apply', 'before-hand-change.plan');
  assert.equal(refused.code, 1);
  assert.match(refused.err, /APPLY_STALE_PLAN: the saved plan is stale: the observed hosts changed since the plan was made/);
  assert.ok(!(await libvirtDomainNames(lab.libvirtd['hv-02'])).includes('globex-app-08'), 'libvirt has no globex-app-08: nothing was applied');
  const { stdout: live } = await run('/usr/bin/virsh', ['-c', hv1.uri, 'dumpxml', 'acme-web-01']);
  assert.match(live, /<outbound average='1000'\/>/, 'the hand change is still there');

  // A new plan shows the hand change and the create; applying it converges.
  const fresh = await pytinIn(lab, 'plan', '--out', 'fresh.plan', '--json');
  assert.deepEqual(plannedChanges(fresh.out), ['create vm/globex-app-08', 'update vm/acme-web-01']);
  const applied = await pytinIn(lab, 'apply', 'fresh.plan');
  assert.equal(applied.code, 0, applied.out + applied.err);
  assert.ok((await libvirtDomainNames(lab.libvirtd['hv-02'])).includes('globex-app-08'));
});
