import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { appliedState, lastApplyRun } from '../../../../reconciler/store/apply/apply-runs.js';
import { openStore } from '../../../../reconciler/store/open-store.js';
import { type LabEnvironment, startLabEnvironment } from '../../../lab/lab-environment.js';
import { commitEdit, plannedChanges, pytinIn } from '../../../support/pytin-in-lab.js';

let lab: LabEnvironment;
before(async () => {
  lab = await startLabEnvironment();
  const first = await pytinIn(lab, 'observe', '--trust-new-hosts');
  assert.equal(first.code, 0, first.out + first.err);
});
after(async () => {
  await lab?.stop();
});

const ALL_VMS = ['acme-db-01', 'acme-web-01', 'acme-web-02', 'globex-app-01', 'globex-app-02', 'globex-cache-01'];

test('from git to the lab: the plan creates every VM, apply converges, the next plan is empty', async () => {
  const plan = await pytinIn(lab, 'plan', '--detailed-exitcode', '--json');
  assert.equal(plan.code, 2, plan.err);
  assert.deepEqual(plannedChanges(plan.out), ['create backup/home-users', 'create shaping/backup-01', ...ALL_VMS.map((vm) => `create vm/${vm}`)].sort());
  const apply = await pytinIn(lab, 'apply', '--auto-approve');
  assert.equal(apply.code, 0, apply.out + apply.err);
  assert.match(apply.out, /Apply complete: 8 applied, 0 failed, 0 skipped\./);
  const again = await pytinIn(lab, 'plan', '--detailed-exitcode');
  assert.equal(again.code, 0, again.out);
  assert.match(again.out, /Plan: 0 to add, 0 to change, 0 to destroy\./);
});

test('applying the same commit twice changes nothing the second time', async () => {
  const second = await pytinIn(lab, 'apply', '--auto-approve', '--json');
  assert.equal(second.code, 0, second.err);
  assert.deepEqual(
    plannedChanges(
      second.out
        .split('\n')
        .filter((l) => !l.includes('apply_summary') && l)
        .join('\n'),
    ),
    [],
  );
  const store = await openStore(join(lab.repoDir, '.pytin', 'store.sqlite'));
  try {
    const run = await lastApplyRun(store);
    assert.equal(run?.status, 'succeeded');
    // The API serves any applied commit from the store: the desired state of this one is there.
    const commit = (await pytinIn(lab, 'validate', '--json')).out.match(/"commit":"([0-9a-f]{40})"/)![1]!;
    const applied = await appliedState(store, commit);
    assert.ok(applied);
    assert.ok((JSON.parse(applied.desiredJson) as { resources: Array<{ address: string }> }).resources.some((r) => r.address === 'vm/acme-web-01'));
  } finally {
    await store.close();
  }
});

test('an edit in git (a limit changed, a VM removed, a VM added) plans exactly that, and applies', async () => {
  commitEdit(lab, 'vms/acme.yaml', (t) =>
    t.replace(
      'bandwidth: {inbound: 100Mbit, outbound: 100Mbit}\n---\nkind: VM\nname: acme-web-02',
      'bandwidth: {inbound: 150Mbit, outbound: 100Mbit}\n---\nkind: VM\nname: acme-web-02',
    ),
  );
  commitEdit(
    lab,
    'vms/globex.yaml',
    (t) =>
      t.slice(0, t.indexOf('---\nkind: VM\nname: globex-cache-01')) +
      [
        '---',
        'kind: VM',
        'name: globex-app-03',
        'tenant: globex',
        'hypervisor: hv-01',
        'vcpus: 2',
        'memory: 4GiB',
        'disks:',
        '  - {name: root, size: 20GiB}',
        'interfaces:',
        '  - name: eth0',
        '    ips: [203.0.113.23]',
        '    bandwidth: {inbound: 50Mbit, outbound: 50Mbit}',
        '',
      ].join('\n'),
  );
  const plan = await pytinIn(lab, 'plan', '--detailed-exitcode', '--json');
  assert.equal(plan.code, 2, plan.err);
  assert.deepEqual(plannedChanges(plan.out), ['create vm/globex-app-03', 'delete vm/globex-cache-01', 'update vm/acme-web-01']);
  const human = await pytinIn(lab, 'plan');
  assert.match(human.out, /~ vm\/acme-web-01 \(kvm on hv-01\)[\s\S]*inbound[^\n]*18750/);
  const apply = await pytinIn(lab, 'apply', '--auto-approve');
  assert.equal(apply.code, 0, apply.out + apply.err);
  const empty = await pytinIn(lab, 'plan', '--detailed-exitcode');
  assert.equal(empty.code, 0, empty.out);
});

test('a saved plan is refused once the inventory moved on', async () => {
  commitEdit(lab, 'vms/acme.yaml', (t) =>
    t.replace(
      'vcpus: 2\nmemory: 4GiB\ndisks:\n  - {name: root, size: 20GiB}\ninterfaces:\n  - name: eth0\n    mac: 52:54:00:a0:00:02',
      'vcpus: 3\nmemory: 4GiB\ndisks:\n  - {name: root, size: 20GiB}\ninterfaces:\n  - name: eth0\n    mac: 52:54:00:a0:00:02',
    ),
  );
  const saved = await pytinIn(lab, 'plan', '--out', 'stale.plan');
  assert.equal(saved.code, 0, saved.out);
  commitEdit(lab, 'tenants.yaml', (t) => t.replace('displayName: ACME Hosting Ltd', 'displayName: ACME Hosting'));
  const apply = await pytinIn(lab, 'apply', 'stale.plan');
  assert.equal(apply.code, 1);
  assert.match(apply.err, /APPLY_STALE_PLAN: the saved plan is stale: the inventory is now at [0-9a-f]{12}, the plan was made at [0-9a-f]{12}/);
  const fresh = await pytinIn(lab, 'plan', '--out', 'fresh.plan');
  assert.equal(fresh.code, 0);
  const applied = await pytinIn(lab, 'apply', 'fresh.plan');
  assert.equal(applied.code, 0, applied.out + applied.err);
  assert.match(applied.out, /applied update +vm\/acme-web-02 on hv-02/);
});

test('no secret value reaches the plan, its JSON or markdown forms, or the store', async () => {
  const secrets = Object.values(lab.env).filter((v): v is string => typeof v === 'string' && v.length > 0);
  const key = readFileSync(join(lab.repoDir, '.pytin', 'secrets', 'lab', 'id_ed25519'), 'utf8').split('\n')[1]!;
  const outputs = [(await pytinIn(lab, 'plan')).out, (await pytinIn(lab, 'plan', '--json')).out, (await pytinIn(lab, 'plan', '--format', 'markdown')).out];
  const store =
    readFileSync(join(lab.repoDir, '.pytin', 'store.sqlite')).toString('latin1') +
    readFileSync(join(lab.repoDir, '.pytin', 'store.sqlite-wal'), { flag: 'a+' }).toString('latin1');
  for (const text of [...outputs, store]) {
    for (const secret of [...secrets, key]) assert.ok(!text.includes(secret), `a secret (${secret.slice(0, 4)}...) leaked`);
  }
  assert.ok(secrets.length >= 2 && key.length > 20);
});
