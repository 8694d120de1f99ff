import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { type LabEnvironment, startLabEnvironment } from '../../../lab/lab-environment.js';
import { commitEdit, plannedChanges, pytinIn } from '../../../support/pytin-in-lab.js';

let lab: LabEnvironment;
before(async () => {
  lab = await startLabEnvironment();
  assert.equal((await pytinIn(lab, 'observe', '--trust-new-hosts')).code, 0);
});
after(async () => {
  await lab?.stop();
});

const cronFile = () => join(lab.dir, 'cron.d', 'pytin-backup-home-users');
const target = () => join(lab.dir, 'backups', 'home');

test('a backup policy is installed on its host by apply: target, exclude file and schedule', async () => {
  const plan = await pytinIn(lab, 'plan', '--json');
  assert.ok(plannedChanges(plan.out).includes('create backup/home-users'), plan.out);
  const apply = await pytinIn(lab, 'apply', '--auto-approve');
  assert.equal(apply.code, 0, apply.out + apply.err);
  const schedule = readFileSync(cronFile(), 'utf8');
  assert.match(schedule, /^# pytin backup policy backup\/home-users: edit the inventory, not this file\.\n/);
  assert.match(
    schedule,
    new RegExp(
      `^30 2 \\* \\* \\* root pytin backup run --per-user ${join(lab.dir, 'home')} --target ${target()} --name home-users --iterations 5 --keep-sequences 1 --exclude-from ${target()}/\\.pytin-home-users\\.exclude --compress gzip >/dev/null 2>&1$`,
      'm',
    ),
  );
  assert.equal(readFileSync(join(target(), '.pytin-home-users.exclude'), 'utf8'), '*.tmp\n.cache/\n');
  assert.equal(statSync(target()).mode & 0o777, 0o700);
  const again = await pytinIn(lab, 'plan', '--detailed-exitcode');
  assert.equal(again.code, 0, again.out);
  assert.match(again.out, /backup\/home-users \(backup on backup-01\)[\s\S]*note: (alice: )?no archive yet/);
});

test('archives made by the installed schedule are observed: the plan tells the next full and prune', async () => {
  // Run the schedule's command as cron would, on the host (through its SSH session's PATH).
  const line = readFileSync(cronFile(), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('30 2'))!;
  const command = line.replace(/^30 2 \* \* \* root /, '').replace(/ >\/dev\/null 2>&1$/, '');
  for (let run = 0; run < 3; run++) execFileSync('/bin/sh', ['-c', command], { env: { ...process.env, PATH: `${join(lab.dir, 'bin')}:${process.env.PATH}` } });
  assert.ok(existsSync(join(target(), 'alice', 'home-users-3.tar.gz')));
  const plan = await pytinIn(lab, 'plan', '--refresh', '--detailed-exitcode');
  assert.equal(plan.code, 0, plan.out);
  assert.match(plan.out, /note: alice: next run makes index 4 \(incremental\); next full at index 6/);
  assert.match(plan.out, /note: bob: next run makes index 4 \(incremental\); next full at index 6/);
});

test('a missed run, a stuck lock and a lost snapshot are drift', async () => {
  // alice's last success was three days ago; bob's series lost the snapshot of index 3.
  const log = join(target(), 'alice', 'home-users.log.jsonl');
  const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
  writeFileSync(log, readFileSync(log, 'utf8').replace(/"finishedAt":"[^"]+"/g, `"finishedAt":"${old}"`));
  execFileSync('rm', [join(target(), 'bob', 'home-users-3.snar')]);
  writeFileSync(
    join(target(), 'bob', 'home-users.lock'),
    JSON.stringify({ pid: 2 ** 22 + 11, host: hostname(), startedAt: new Date().toISOString(), processStart: null }),
  );
  const plan = await pytinIn(lab, 'plan', '--refresh', '--json');
  const drift = plan.out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; kind?: string; message?: string })
    .filter((m) => m.type === 'drift' && m.kind?.startsWith('backup'));
  assert.deepEqual(drift.map((d) => d.kind).sort(), ['backup-lock-stuck', 'backup-run-overdue', 'backup-snapshot-missing']);
  assert.match(drift.find((d) => d.kind === 'backup-run-overdue')!.message!, /series of alice: last successful run 72 h ago/);
});

test('archives missing on disk are drift naming their indexes; pytin deletes nothing else', async () => {
  // Someone deletes bob's incremental 2 by hand (alice's series is left whole).
  const bob = join(target(), 'bob');
  execFileSync('rm', [join(bob, 'home-users-2.tar.gz')]);
  const plan = await pytinIn(lab, 'plan', '--refresh', '--json');
  const drift = plan.out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; kind?: string; message?: string })
    .filter((m) => m.type === 'drift' && m.kind === 'backup-archive-problem');
  assert.deepEqual(
    drift.map((d) => d.message),
    ['series of bob: archive(s) 2 are in the index but missing on disk'],
  );
  // Planning only reported it: bob's other archives and all of alice's are still there.
  for (const index of [1, 3]) assert.ok(existsSync(join(bob, `home-users-${index}.tar.gz`)), `bob's archive ${index}`);
  for (const index of [1, 2, 3]) assert.ok(existsSync(join(target(), 'alice', `home-users-${index}.tar.gz`)), `alice's archive ${index}`);
});

test("observation reads each series' newest archive back: one byte changed on the host is drift naming both checksums", async () => {
  // alice's newest archive (index 3, made by the installed schedule with GNU tar) loses one bit.
  const archive = join(target(), 'alice', 'home-users-3.tar.gz');
  const bytes = readFileSync(archive);
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = bytes[middle]! ^ 0x01;
  writeFileSync(archive, bytes);
  const plan = await pytinIn(lab, 'plan', '--refresh', '--json');
  const drift = plan.out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; kind?: string; message?: string })
    .filter((m) => m.type === 'drift' && m.kind === 'backup-archive-problem' && m.message?.startsWith('series of alice'));
  assert.equal(drift.length, 1, plan.out);
  assert.match(
    drift[0]!.message!,
    /^series of alice: the newest archive 3 \(home-users-3\.tar\.gz\) has sha256 [0-9a-f]{64}, recorded [0-9a-f]{64}: it would not restore as made$/,
  );
  // Only reported: the archive is still there, as it was found.
  assert.deepEqual(readFileSync(archive), bytes);
});

test('a policy removed from git has its schedule removed; its archives stay', async () => {
  commitEdit(lab, 'backups.yaml', (t) =>
    t
      .replace('kind: BackupPolicy', 'kind: Tenant\nname: placeholder\nbillingId: X-1\n---\nkind: BackupPolicy')
      .replace(/\n---\nkind: BackupPolicy[\s\S]*$/, '\n'),
  );
  const plan = await pytinIn(lab, 'plan', '--json');
  assert.deepEqual(plannedChanges(plan.out), ['delete backup/home-users']);
  assert.equal((await pytinIn(lab, 'apply', '--auto-approve')).code, 0);
  assert.ok(!existsSync(cronFile()));
  assert.ok(existsSync(join(target(), 'alice', 'home-users-3.tar.gz')));
  assert.equal((await pytinIn(lab, 'plan', '--detailed-exitcode')).code, 0);
});
