import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { makeTempDir } from '../../lab/daemon.js';
import { pytin, STACK_TRACE } from './backup-cli.js';
import { manifestDifferences, manifestOf } from './tree-manifest.js';

async function homeOf(root: string, user: string, files: number): Promise<void> {
  await mkdir(join(root, user, 'mail'), { recursive: true });
  for (let i = 0; i < files; i++) await writeFile(join(root, user, 'mail', `msg-${i}`), `mail ${i} of ${user}`);
}

test('per-user: a broken user directory fails alone, the other users are backed up, and the exit is 1', async (t) => {
  const dir = await makeTempDir('backup-per-user');
  t.after(() => dir.remove());
  const home = join(dir.path, 'home');
  const target = join(dir.path, 'target');
  await homeOf(home, 'alice', 3);
  await homeOf(home, 'carol', 2);
  await homeOf(home, 'dave', 1);
  // bob's home is a symbolic link to a volume that is gone.
  await symlink(join(dir.path, 'unmounted-volume', 'bob'), join(home, 'bob'));
  // dave's series cannot be written: a file sits where his target directory should be.
  await mkdir(target);
  await writeFile(join(target, 'dave'), 'not a directory');
  await mkdir(join(home, '.snapshots'));
  await writeFile(join(home, 'README'), 'not a user');

  const run = await pytin('backup', 'run', '--per-user', home, '--target', target, '--name', 'home', '--iterations', '3');
  assert.equal(run.exitCode, 1);
  assert.doesNotMatch(run.stderr, STACK_TRACE);
  assert.match(run.stdout, /^backup\/home\/alice: made home-1\.tar\.gz \(full/m);
  assert.match(run.stdout, /^backup\/home\/bob: FAILED/m);
  assert.match(run.stdout, /^backup\/home\/carol: made home-1\.tar\.gz \(full/m);
  assert.match(run.stdout, /^backup\/home\/dave: FAILED/m);
  assert.equal(run.stdout.trim().split('\n').length, 4, 'hidden entries and plain files are not users');
  assert.match(run.stderr, /error BACKUP_SOURCE_MISSING: the source .*home\/bob does not exist \(backup\/home\/bob\)/);
  assert.match(run.stderr, /error BACKUP_TARGET_UNWRITABLE: .* \(backup\/home\/dave\)/);

  // The next run goes on for the healthy users regardless of the broken ones.
  await writeFile(join(home, 'alice', 'mail', 'msg-new'), 'new mail');
  const second = await pytin('backup', 'run', '--per-user', home, '--target', target, '--name', 'home', '--iterations', '3', '--json');
  assert.equal(second.exitCode, 1);
  const report = JSON.parse(second.stdout) as { ok: boolean; runs: Array<{ user: string; result: string; index: number | null }> };
  assert.equal(report.ok, false);
  assert.deepEqual(
    report.runs.map((r) => [r.user, r.result, r.index]),
    [
      ['alice', 'success', 2],
      ['bob', 'failed', null],
      ['carol', 'success', 2],
      ['dave', 'failed', null],
    ],
  );

  const restored = join(dir.path, 'alice-restored');
  const restore = await pytin('backup', 'restore', '--target', target, '--user', 'alice', '--name', 'home', '--index', '2', '--to', restored);
  assert.equal(restore.exitCode, 0, restore.stderr);
  assert.deepEqual(manifestDifferences(await manifestOf(join(home, 'alice')), await manifestOf(restored)), []);

  // Observation sees the failing user too, with its last failure, and list exits 1 for it.
  const listing = await pytin('backup', 'list', '--target', target, '--name', 'home', '--per-user', '--json');
  assert.equal(listing.exitCode, 1);
  const series = (JSON.parse(listing.stdout) as { series: Array<{ user: string; currentIndex: number | null; lastRun: { result: string } }> }).series;
  assert.deepEqual(
    series.map((s) => [s.user, s.currentIndex, s.lastRun.result]),
    [
      ['alice', 2, 'success'],
      ['bob', null, 'failed'],
      ['carol', 2, 'success'],
    ],
  );
  assert.match(listing.stderr, /error BACKUP_NO_SERIES: .* \(backup\/home\/bob\)/);
});

test('per-user: a missing home directory is a clear error', async (t) => {
  const dir = await makeTempDir('backup-per-user-missing');
  t.after(() => dir.remove());
  const run = await pytin('backup', 'run', '--per-user', join(dir.path, 'nohome'), '--target', join(dir.path, 't'), '--name', 'home');
  assert.equal(run.exitCode, 1);
  assert.match(run.stderr, /error BACKUP_PER_USER_HOME_MISSING: the home directory .*nohome cannot be listed/);
  await mkdir(join(dir.path, 'emptyhome'));
  const empty = await pytin('backup', 'run', '--per-user', join(dir.path, 'emptyhome'), '--target', join(dir.path, 't'), '--name', 'home');
  assert.equal(empty.exitCode, 1);
  assert.match(empty.stderr, /error BACKUP_PER_USER_EMPTY/);
});
