import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { restoreBackup } from '../../../reconciler/backup/backup-restore.js';
import { runBackup } from '../../../reconciler/backup/run/backup-run.js';
import { makeTempDir } from '../../lab/daemon.js';
import { pytin } from './backup-cli.js';

test('a policy-driven run takes inline exclude patterns, as a BackupPolicy lists them', async (t) => {
  const dir = await makeTempDir('backup-policy');
  t.after(() => dir.remove());
  const source = join(dir.path, 'www');
  await mkdir(join(source, 'tmp'), { recursive: true });
  await writeFile(join(source, 'index.html'), '<html>');
  await writeFile(join(source, 'tmp', 'session'), 'x');
  await writeFile(join(source, 'error.log'), 'x');
  const target = join(dir.path, 'backups');
  const run = await runBackup({ source, target, name: 'www', iterations: 15, keepSequences: 1, compression: 'gzip', excludePatterns: ['./tmp', '*.log'] });
  assert.equal(run.result, 'success', JSON.stringify(run.diagnostics));
  assert.equal(run.address, 'backup/www');
  const to = join(dir.path, 'restored');
  assert.equal((await restoreBackup({ target, name: 'www', index: 1, to, force: false })).ok, true);
  assert.deepEqual(await readdir(to), ['index.html']);
});

test('a lost snapshot stops the next increment with BACKUP_SNAPSHOT_MISSING instead of a silent full archive', async (t) => {
  const dir = await makeTempDir('backup-lost-snapshot');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  await mkdir(source);
  await writeFile(join(source, 'a'), 'a');
  const target = join(dir.path, 'target');
  assert.equal((await pytin('backup', 'run', '--source', source, '--target', target, '--name', 's')).exitCode, 0);
  await rm(join(target, 's-1.snar'));
  const verify = await pytin('backup', 'verify', '--target', target, '--name', 's');
  assert.equal(verify.exitCode, 1);
  assert.match(verify.stderr, /error BACKUP_SNAPSHOT_MISSING: the snapshot of index 1 is missing/);
  const run = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 's');
  assert.equal(run.exitCode, 1);
  assert.match(run.stderr, /error BACKUP_SNAPSHOT_MISSING: the snapshot .*s-1\.snar of index 1 is gone/);
  assert.deepEqual(
    (await readdir(target)).filter((e) => e.includes('.tar.')),
    ['s-1.tar.gz'],
  );
});

test('a corrupt index file is reported, not overwritten', async (t) => {
  const dir = await makeTempDir('backup-corrupt-index');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  await mkdir(source);
  const target = join(dir.path, 'target');
  assert.equal((await pytin('backup', 'run', '--source', source, '--target', target, '--name', 's')).exitCode, 0);
  await writeFile(join(target, 's.index.json'), '{"version": 1, "name": "s", ');
  for (const command of [['run', '--source', source], ['list'], ['verify'], ['restore', '--index', '1', '--to', join(dir.path, 'r')]]) {
    const outcome = await pytin('backup', command[0]!, ...command.slice(1), '--target', target, '--name', 's');
    assert.equal(outcome.exitCode, 1, command[0]);
    assert.match(outcome.stderr, /error BACKUP_STATE_CORRUPT: the series index .*s\.index\.json cannot be read/, command[0]);
  }
});

test("tar exit status 2 fails the run with tar's reason, exit 1, and advances nothing", async (t) => {
  const dir = await makeTempDir('backup-tar-exit-2');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  await mkdir(source);
  await writeFile(join(source, 'a'), 'a');
  const target = join(dir.path, 'target');
  assert.equal((await pytin('backup', 'run', '--source', source, '--target', target, '--name', 's')).exitCode, 0);
  const before = (await readdir(target)).sort();
  const indexBefore = await readFile(join(target, 's.index.json'), 'utf8');
  // An exclude "file" that is a directory: tar refuses it and exits 2, a real fatal error.
  const failed = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 's', '--exclude-from', dir.path);
  assert.equal(failed.exitCode, 1);
  assert.match(failed.stderr, /error BACKUP_TAR_FAILED: tar failed with exit status 2; archive 2 was not made and nothing was advanced/);
  assert.match(failed.stderr, /Is a directory/);
  assert.match(failed.stdout, /FAILED to make archive 2; nothing was advanced/);
  assert.deepEqual((await readdir(target)).sort(), before);
  assert.equal(await readFile(join(target, 's.index.json'), 'utf8'), indexBefore);
  const next = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 's');
  assert.match(next.stdout, /made s-2\.tar\.gz \(incremental/);
});

test('a failed run that was due to rotate prunes nothing: the old sequence stays until a new full archive is safe', async (t) => {
  const dir = await makeTempDir('backup-no-early-prune');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  await mkdir(source);
  const target = join(dir.path, 'target');
  const run = (...extra: string[]) =>
    pytin('backup', 'run', '--source', source, '--target', target, '--name', 's', '--iterations', '2', '--keep-sequences', '0', ...extra);
  for (const n of [1, 2]) {
    await writeFile(join(source, `f${n}`), `${n}`);
    assert.equal((await run()).exitCode, 0);
  }
  // Run 3 is a new full archive whose commit would drop 1-2 (keepSequences 0); make tar fail.
  const failed = await run('--exclude-from', dir.path);
  assert.equal(failed.exitCode, 1);
  assert.deepEqual((await readdir(target)).filter((e) => e.includes('.tar.')).sort(), ['s-1.tar.gz', 's-2.tar.gz']);
  assert.equal((await pytin('backup', 'restore', '--target', target, '--name', 's', '--index', '2', '--to', join(dir.path, 'r'))).exitCode, 0);
  assert.deepEqual((await readdir(join(dir.path, 'r'))).sort(), ['f1', 'f2']);

  const ok = await run();
  assert.equal(ok.exitCode, 0, ok.stderr);
  assert.match(ok.stdout, /made s-3\.tar\.gz \(full, .*; pruned 1-2/);
  assert.deepEqual((await readdir(target)).filter((e) => e.includes('.tar.')).sort(), ['s-3.tar.gz']);
});
