import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { makeTempDir } from '../../lab/daemon.js';
import { pytin, STACK_TRACE } from './backup-cli.js';
import { watch } from './canary.js';
import { manifestDifferences, manifestOf } from './tree-manifest.js';

/** Issue 8, hole 1: a run deleted every NAME-<digits>.tar.gz of the target that its index did not
 * list, another tool's included. These tests plant such files and run the rotation over them. */

async function archivesIn(target: string): Promise<string[]> {
  return (await readdir(target)).filter((e) => /\.tar\.(gz|zst)$/.test(e)).sort();
}

test('runs that prune remove only archives their index recorded: a foreign s-99.tar.gz, s-1.tar.zst and a later s-2.tar.gz survive', async (t) => {
  const dir = await makeTempDir('backup-foreign');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  const target = join(dir.path, 'target');
  await mkdir(source);
  // keepSequences 0, iterations 2: the full archive of run 3 drops 1-2, that of run 5 drops 3-4.
  const run = () => pytin('backup', 'run', '--source', source, '--target', target, '--name', 's', '--iterations', '2', '--keep-sequences', '0');
  for (const n of [1, 2]) {
    await writeFile(join(source, `f${n}`), `${n}`);
    assert.equal((await run()).exitCode, 0);
  }
  // Another tool's archives, named like the series': one far ahead, one with the index (but not
  // the compression) of an archive the next run prunes.
  await writeFile(join(target, 's-99.tar.gz'), 'an archive of another tool');
  await writeFile(join(target, 's-1.tar.zst'), 'another tool, same index as archive 1');
  const foreign = [await watch(join(target, 's-99.tar.gz')), await watch(join(target, 's-1.tar.zst'))];

  await writeFile(join(source, 'f3'), '3');
  const third = await run();
  for (const file of foreign) await file.assertUntouched('a file the index never recorded is not pruned');
  assert.equal(third.exitCode, 0, third.stderr);
  assert.match(third.stdout, /made s-3\.tar\.gz \(full, .*; pruned 1-2/);
  assert.match(
    third.stderr,
    /warning BACKUP_UNLISTED_ARCHIVE: s-1\.tar\.zst, s-99\.tar\.gz are named like archives of the series but not recorded in its index; left alone/,
  );
  assert.doesNotMatch(third.stderr, STACK_TRACE);
  assert.deepEqual(await archivesIn(target), ['s-1.tar.zst', 's-3.tar.gz', 's-99.tar.gz']);

  // A file taking the name of an archive pruned earlier is not pytin's any more.
  await writeFile(join(target, 's-2.tar.gz'), 'another tool, the name of a pruned archive');
  foreign.push(await watch(join(target, 's-2.tar.gz')));
  for (const n of [4, 5]) {
    await writeFile(join(source, `f${n}`), `${n}`);
    const outcome = await run();
    assert.equal(outcome.exitCode, 0, outcome.stderr);
    if (n === 5) assert.match(outcome.stdout, /made s-5\.tar\.gz \(full, .*; pruned 3-4/);
  }
  for (const file of foreign) await file.assertUntouched('a file the index never recorded is not pruned');
  assert.deepEqual(await archivesIn(target), ['s-1.tar.zst', 's-2.tar.gz', 's-5.tar.gz', 's-99.tar.gz']);
  const to = join(dir.path, 'restored');
  assert.equal((await pytin('backup', 'restore', '--target', target, '--name', 's', '--index', '5', '--to', to)).exitCode, 0);
  assert.deepEqual(manifestDifferences(await manifestOf(source), await manifestOf(to)), []);
});

test('a file at the name of the next archive or snapshot is never overwritten: the run stops with BACKUP_NAME_TAKEN and advances nothing', async (t) => {
  const dir = await makeTempDir('backup-name-taken');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  const target = join(dir.path, 'target');
  await mkdir(source);
  await writeFile(join(source, 'a'), 'a');
  const run = () => pytin('backup', 'run', '--source', source, '--target', target, '--name', 's');
  assert.equal((await run()).exitCode, 0);
  const index = await readFile(join(target, 's.index.json'), 'utf8');
  for (const taken of ['s-2.tar.gz', 's-2.snar']) {
    await writeFile(join(target, taken), `not pytin's ${taken}`);
    const file = await watch(join(target, taken));
    const refused = await run();
    assert.equal(refused.exitCode, 1, taken);
    assert.match(
      refused.stderr,
      new RegExp(
        `error BACKUP_NAME_TAKEN: .*/${taken.replace('.', '\\.')} exists, but the series index does not record it \\(it is at index 1\\); pytin does not overwrite it`,
      ),
    );
    await file.assertUntouched(`${taken} is left as it was`);
    assert.equal(await readFile(join(target, 's.index.json'), 'utf8'), index, 'the series did not advance');
    assert.deepEqual(
      (await readdir(target)).filter((e) => e.endsWith('.partial')),
      [],
      'the run removed its own temporary files',
    );
    await rename(join(target, taken), join(dir.path, taken));
  }
  const next = await run();
  assert.equal(next.exitCode, 0, next.stderr);
  assert.match(next.stdout, /made s-2\.tar\.gz \(incremental/);
});

test('a run that died after placing archive 2 but before committing it: the next run recognises both files by the journal its lock names, removes them and makes 2 again; a foreign file in their place stays', async (t) => {
  const dir = await makeTempDir('backup-died-placing');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  const target = join(dir.path, 'target');
  const saved = join(dir.path, 'saved');
  await mkdir(source);
  await mkdir(saved);
  await writeFile(join(source, 'a'), 'a');
  const run = () => pytin('backup', 'run', '--source', source, '--target', target, '--name', 's');
  assert.equal((await run()).exitCode, 0);
  for (const f of ['s.index.json', 's-1.snar']) await copyFile(join(target, f), join(saved, f));
  await writeFile(join(source, 'b'), 'b');
  assert.equal((await run()).exitCode, 0);

  // Turn the target back into what a run dying between placing archive 2 and committing it leaves:
  // its journal (the index it was about to commit) under its token, the old index, snapshot 1,
  // archive and snapshot 2 in place, and its lock, held by a process that is gone.
  const token = 'ab'.repeat(16);
  const dead = spawnSync('true').pid!;
  const setUpDeadRun = async () => {
    await rename(join(target, 's.index.json'), join(target, `.s.index.json.${token}.partial`));
    for (const f of ['s.index.json', 's-1.snar']) await copyFile(join(saved, f), join(target, f));
    await writeFile(join(target, 's.lock'), JSON.stringify({ pid: dead, host: hostname(), startedAt: new Date().toISOString(), processStart: null, token }));
    await writeFile(join(target, `.s-2.tar.gz.${token}.partial`), 'a temporary file of the dead run');
  };
  await setUpDeadRun();
  const recovered = await run();
  assert.equal(recovered.exitCode, 0, recovered.stderr);
  assert.match(recovered.stderr, /warning BACKUP_LOCK_STALE/);
  assert.match(recovered.stdout, /made s-2\.tar\.gz \(incremental/);
  assert.deepEqual(
    (await readdir(target)).filter((e) => e.startsWith('.')),
    [],
    "the dead run's journal and temporary files are gone",
  );
  const to = join(dir.path, 'restored');
  assert.equal((await pytin('backup', 'restore', '--target', target, '--name', 's', '--index', '2', '--to', to)).exitCode, 0);
  assert.deepEqual(manifestDifferences(await manifestOf(source), await manifestOf(to)), []);

  // The same, but what sits at s-2.tar.gz is not what the journal recorded: it is not removed.
  await setUpDeadRun();
  await writeFile(join(target, 's-2.tar.gz'), 'not the archive the dead run made');
  const foreign = await watch(join(target, 's-2.tar.gz'));
  const refused = await run();
  assert.equal(refused.exitCode, 1);
  assert.match(refused.stderr, /error BACKUP_NAME_TAKEN: .*\/s-2\.tar\.gz exists, but the series index does not record it/);
  await foreign.assertUntouched();
  assert.ok(!(await readdir(target)).includes('s-2.snar'), "the snapshot the journal recorded was the dead run's, and is removed");
});

test('archives a dead run committed to remove are removed by the next run while they are the files recorded; a file that took one of their names is not', async (t) => {
  const dir = await makeTempDir('backup-died-pruning');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  const target = join(dir.path, 'target');
  await mkdir(source);
  const run = () => pytin('backup', 'run', '--source', source, '--target', target, '--name', 's', '--iterations', '2', '--keep-sequences', '0');
  for (const n of [1, 2]) {
    await writeFile(join(source, `f${n}`), `${n}`);
    assert.equal((await run()).exitCode, 0);
  }
  // A second name for archive 1 keeps the very file (same inode, size, mtime) that run 3 prunes.
  await link(join(target, 's-1.tar.gz'), join(dir.path, 'archive-1-kept'));
  const third = await run();
  assert.match(third.stdout, /pruned 1-2/);
  const index = JSON.parse(await readFile(join(target, 's.index.json'), 'utf8')) as { removing: Array<{ file: string }> };
  assert.deepEqual(index.removing.map((r) => r.file).sort(), ['s-1.tar.gz', 's-2.snar', 's-2.tar.gz'], 'the commit records what it removes');
  // As if run 3 had died right after its commit: archive 1 is back; s-2.tar.gz is another file now.
  await link(join(dir.path, 'archive-1-kept'), join(target, 's-1.tar.gz'));
  await unlink(join(dir.path, 'archive-1-kept'));
  await writeFile(join(target, 's-2.tar.gz'), 'another tool took the name');
  const foreign = await watch(join(target, 's-2.tar.gz'));
  const fourth = await run();
  assert.equal(fourth.exitCode, 0, fourth.stderr);
  assert.match(fourth.stderr, /warning BACKUP_PRUNE_FAILED: s-2\.tar\.gz was due for removal, but another file has taken its name since; left alone/);
  assert.deepEqual(await archivesIn(target), ['s-2.tar.gz', 's-3.tar.gz', 's-4.tar.gz']);
  await foreign.assertUntouched();
  await rm(join(target, 's-2.tar.gz'));
});
