import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { git, makeRepo } from '../../../support/git-repo.js';
import { labTexts, PROJECT_ROOT } from '../../../support/lab-inventory.js';

// What `pytin plan` says about a resource of a valid inventory that it cannot plan, on the lab
// inventory with one realistic edit each, through the CLI and its JSON lines. Each test asserts
// the diagnostic (code, resource, position) and that nothing is planned for that resource,
// while the rest of the inventory still is read and reported.

const PYTIN = join(PROJECT_ROOT, 'dist', 'reconciler', 'cli', 'pytin.js');

interface PlanLine {
  type: string;
  code?: string;
  severity?: string;
  summary?: string;
  address?: string | null;
  range?: { file: string; start: { line: number; col: number } } | null;
  errors?: number;
  add?: number;
  change?: number;
  destroy?: number;
}

function planIn(repoDir: string, ...args: string[]): { status: number | null; lines: PlanLine[]; raw: string } {
  const run = spawnSync(process.execPath, [PYTIN, 'plan', '--json', ...args], { cwd: repoDir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const lines = run.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as PlanLine);
  return { status: run.status, lines, raw: run.stdout + run.stderr };
}

async function planOf(texts: Map<string, string>): Promise<{ status: number | null; lines: PlanLine[]; raw: string }> {
  const repo = await makeRepo(texts);
  try {
    return planIn(repo.path);
  } finally {
    await repo.remove();
  }
}

function edited(edits: Array<[file: string, from: string | RegExp, to: string]>, remove: string[] = []): Map<string, string> {
  const texts = labTexts();
  for (const [file, from, to] of edits) {
    const text = texts.get(file)!;
    const after = text.replace(from, to);
    assert.notEqual(after, text, `the edit of ${file} applies`);
    texts.set(file, after);
  }
  for (const file of remove) assert.ok(texts.delete(file), `${file} is in the lab`);
  return texts;
}

const diagnostics = (lines: PlanLine[], code: string) => lines.filter((l) => l.type === 'diagnostic' && l.code === code);
const changesOf = (lines: PlanLine[]) => lines.filter((l) => l.type === 'change').map((l) => l.address);

test('a VM whose kickstart template is not in the inventory is PLAN_KVM_TEMPLATE_MISSING at the VM, and the plan fails', async () => {
  const plan = await planOf(edited([], ['templates/centos-ks.cfg']));
  assert.equal(plan.status, 1, plan.raw);
  const missing = diagnostics(plan.lines, 'PLAN_KVM_TEMPLATE_MISSING');
  assert.deepEqual(
    missing.map((d) => [d.severity, d.address, d.range?.file, d.range?.start.line]),
    [['error', 'vm/acme-web-01', 'vms/acme.yaml', 3]],
    plan.raw,
  );
  assert.equal(missing[0]!.summary, 'kickstart template "templates/centos-ks.cfg" is not in the inventory');
  assert.ok(!changesOf(plan.lines).includes('vm/acme-web-01'));
  assert.equal(plan.lines.find((l) => l.type === 'change_summary')?.errors, 1);
});

test('VMs on a hypervisor the trusted settings do not know are PLAN_KVM_HYPERVISOR_WITHOUT_LIBVIRT each, while CI plans the branch', async (t) => {
  // CI plans a branch with the connection settings of main (a branch only proposes desired
  // state). The branch renames hv-02 to hv-03 and moves its VMs along: until it is merged, pytin
  // has no libvirt connection for hv-03 and must not plan its VMs against anything.
  const texts = labTexts();
  const repo = await makeRepo(texts);
  t.after(repo.remove);
  git(repo.path, 'checkout', '-qb', 'rename-hv-02');
  for (const [file, text] of texts) {
    const renamed = text.replaceAll('name: hv-02', 'name: hv-03').replaceAll('hypervisor: hv-02', 'hypervisor: hv-03');
    if (renamed !== text) writeFileSync(join(repo.path, file), renamed);
  }
  git(repo.path, 'commit', '-qam', 'hv-02 is called hv-03 now');
  git(repo.path, 'checkout', '-q', 'main');
  const ci = join(repo.path, '..', `${repo.path.split('/').pop()}-ci.yaml`);
  writeFileSync(ci, 'connections: {trustedRef: main}\n');
  t.after(() => rmSync(ci, { force: true }));

  const plan = planIn(repo.path, '--ref', 'rename-hv-02', '--config', ci);
  const refused = diagnostics(plan.lines, 'PLAN_KVM_HYPERVISOR_WITHOUT_LIBVIRT');
  assert.deepEqual(
    refused.map((d) => [d.address, d.range?.file]),
    [
      ['vm/acme-web-02', 'vms/acme.yaml'],
      ['vm/globex-app-01', 'vms/globex.yaml'],
      ['vm/globex-cache-01', 'vms/globex.yaml'],
    ],
    plan.raw,
  );
  assert.ok(refused.every((d) => d.severity === 'error' && d.summary === 'hypervisor "hv-03" has no libvirt.uri; the VM cannot be planned'));
  assert.match(plan.raw, /TRUST_CONNECTIONS_DIFFER.*server\/hv-03 are new on this revision; pytin uses those of main/);
  // hv-01 is still a libvirt host to pytin (waiting for its observation); hv-03 is not one.
  assert.deepEqual(
    diagnostics(plan.lines, 'PLAN_KVM_HOST_NOT_OBSERVED').map((d) => d.address),
    ['server/hv-01'],
  );
  assert.deepEqual(changesOf(plan.lines), []);
  assert.equal(plan.status, 1);
});

test('a backup schedule that never fires (February 31) is a PLAN_BACKUP_BAD_SCHEDULE warning naming it', async () => {
  const plan = await planOf(edited([['backups.yaml', 'schedule: "30 2 * * *"', 'schedule: "30 2 31 2 *"']]));
  assert.equal(plan.status, 0, plan.raw);
  const bad = diagnostics(plan.lines, 'PLAN_BACKUP_BAD_SCHEDULE');
  assert.deepEqual(
    bad.map((d) => [d.severity, d.address, d.summary]),
    [['warning', 'backup/home-users', 'schedule "30 2 31 2 *" of backup/home-users is not understood; missed runs cannot be reported']],
  );
});

test('a backup policy whose host was never observed is PLAN_BACKUP_NOT_OBSERVED and nothing is planned for it', async () => {
  const plan = await planOf(labTexts());
  assert.equal(plan.status, 0, plan.raw);
  assert.deepEqual(
    diagnostics(plan.lines, 'PLAN_BACKUP_NOT_OBSERVED').map((d) => [d.severity, d.address, d.summary]),
    [['warning', 'backup/home-users', 'backups on backup-01 were not observed; backup/home-users is not planned (pytin observe, or plan --refresh)']],
  );
  assert.ok(!changesOf(plan.lines).includes('backup/home-users'), 'no schedule is installed on a host nobody looked at');
});
