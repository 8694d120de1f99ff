import assert from 'node:assert/strict';
import { appendFile, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { makeTempDir } from '../../lab/daemon.js';
import { pytin } from './backup-cli.js';

// Operator-caused backup failures with real GNU tar and real files: each asserts the code AND
// what is (not) on disk afterwards.

async function seriesOf(root: string, runs: number): Promise<{ source: string; target: string }> {
  const source = join(root, 'source');
  const target = join(root, 'target');
  await mkdir(source, { recursive: true });
  for (let run = 1; run <= runs; run++) {
    await writeFile(join(source, `file-${run}`), `content ${run}\n`);
    const made = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'www', '--iterations', '5');
    assert.equal(made.exitCode, 0, made.stderr);
  }
  return { source, target };
}

const archivesIn = async (target: string) => (await readdir(target)).filter((f) => f.endsWith('.tar.gz')).sort();

/** Runs `fn` with PATH holding only the named programs of /usr/bin and /bin (links to them). */
async function withPathOf<T>(programs: readonly string[], fn: () => Promise<T>): Promise<T> {
  const bin = await makeTempDir('path');
  for (const program of programs) await symlink(`/usr/bin/${program}`, join(bin.path, program));
  const saved = process.env.PATH;
  process.env.PATH = bin.path;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
    await bin.remove();
  }
}

test('BACKUP_SOURCE_UNREADABLE: a source that cannot be resolved (a link loop) makes no archive', async (t) => {
  const dir = await makeTempDir('backup-codes');
  t.after(dir.remove);
  // root reads any folder, so "unreadable" here is a source whose path cannot be resolved.
  await symlink(join(dir.path, 'loop-b'), join(dir.path, 'loop-a'));
  await symlink(join(dir.path, 'loop-a'), join(dir.path, 'loop-b'));
  const target = join(dir.path, 'target');
  const run = await pytin('backup', 'run', '--source', join(dir.path, 'loop-a'), '--target', target, '--name', 'www');
  assert.equal(run.exitCode, 1);
  assert.match(run.stderr, /BACKUP_SOURCE_UNREADABLE: the source \S+loop-a cannot be read \(ELOOP\)/);
  assert.deepEqual(await archivesIn(target).catch(() => []), []);
});

test('BACKUP_COMPRESSOR_MISSING: --compress zstd without zstd on PATH is refused before tar runs', async (t) => {
  const dir = await makeTempDir('backup-codes');
  t.after(dir.remove);
  const source = join(dir.path, 'source');
  await mkdir(source);
  await writeFile(join(source, 'a'), 'a\n');
  const target = join(dir.path, 'target');
  const run = await withPathOf(['tar', 'gzip'], () => pytin('backup', 'run', '--source', source, '--target', target, '--name', 'www', '--compress', 'zstd'));
  assert.equal(run.exitCode, 1);
  assert.match(run.stderr, /BACKUP_COMPRESSOR_MISSING: --compress zstd needs zstd, which is not installed/);
  assert.deepEqual(await archivesIn(target).catch(() => []), []);
});

test('BACKUP_TAR_NOT_FOUND: without tar nothing advances; the next run with tar makes index 2', async (t) => {
  const dir = await makeTempDir('backup-codes');
  t.after(dir.remove);
  const { source, target } = await seriesOf(dir.path, 1);
  await writeFile(join(source, 'later'), 'later\n');
  const run = await withPathOf(['gzip'], () => pytin('backup', 'run', '--source', source, '--target', target, '--name', 'www', '--iterations', '5'));
  assert.equal(run.exitCode, 1);
  assert.match(run.stderr, /BACKUP_TAR_NOT_FOUND: GNU tar could not be started/);
  assert.deepEqual(await archivesIn(target), ['www-1.tar.gz']);
  const again = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'www', '--iterations', '5');
  assert.equal(again.exitCode, 0, again.stderr);
  assert.deepEqual(await archivesIn(target), ['www-1.tar.gz', 'www-2.tar.gz']);
});

test('BACKUP_VERIFY_MISSING and BACKUP_VERIFY_SIZE: verify names the archive deleted and the one grown by hand', async (t) => {
  const dir = await makeTempDir('backup-codes');
  t.after(dir.remove);
  const { target } = await seriesOf(dir.path, 3);
  await rm(join(target, 'www-2.tar.gz'));
  await appendFile(join(target, 'www-3.tar.gz'), 'junk');
  const verify = await pytin('backup', 'verify', '--target', target, '--name', 'www');
  assert.equal(verify.exitCode, 1);
  assert.match(verify.stdout + verify.stderr, /BACKUP_VERIFY_MISSING: [^\n]*\b2\b/);
  assert.match(verify.stdout + verify.stderr, /BACKUP_VERIFY_SIZE: archive 3 is \d+ bytes, recorded \d+/);
  // verify only reads: the remaining archives are as they were.
  assert.deepEqual(await archivesIn(target), ['www-1.tar.gz', 'www-3.tar.gz']);
});

test('BACKUP_CHAIN_BROKEN: restoring past a deleted increment extracts nothing', async (t) => {
  const dir = await makeTempDir('backup-codes');
  t.after(dir.remove);
  const { target } = await seriesOf(dir.path, 3);
  await rm(join(target, 'www-2.tar.gz'));
  const to = join(dir.path, 'restored');
  const restore = await pytin('backup', 'restore', '--target', target, '--name', 'www', '--index', '3', '--to', to);
  assert.equal(restore.exitCode, 1);
  assert.match(restore.stderr, /BACKUP_CHAIN_BROKEN: index 3 needs www-2\.tar\.gz, which is missing from /);
  assert.deepEqual(await readdir(to).catch(() => []), [], 'nothing was extracted');
});

test('BACKUP_RESTORE_FAILED: a destination that cannot be created is refused before extracting', async (t) => {
  const dir = await makeTempDir('backup-codes');
  t.after(dir.remove);
  const { target } = await seriesOf(dir.path, 1);
  const file = join(dir.path, 'a-file');
  await writeFile(file, 'not a folder\n');
  const restore = await pytin('backup', 'restore', '--target', target, '--name', 'www', '--index', '1', '--to', join(file, 'inside'));
  assert.equal(restore.exitCode, 1);
  assert.match(restore.stderr, /BACKUP_RESTORE_FAILED: the destination \S+a-file\/inside cannot be (created|read)/);
  assert.deepEqual(await archivesIn(target), ['www-1.tar.gz']);
});
