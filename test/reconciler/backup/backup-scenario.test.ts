import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { makeTempDir } from '../../lab/daemon.js';
import { listJson, pytin } from './backup-cli.js';
import { manifestDifferences, manifestOf, type TreeManifest } from './tree-manifest.js';

const RUNS = 14;
const ITERATIONS = 4;
const KEEP = 1;

/** The tree as it is before run 1: every kind of entry and awkward name a home directory holds. */
async function makeInitialTree(root: string): Promise<void> {
  await mkdir(join(root, 'docs', 'deep', 'er'), { recursive: true });
  await writeFile(join(root, 'plain.txt'), 'hello');
  await writeFile(join(root, 'with space.txt'), 'spaces in the name');
  await writeFile(join(root, 'ünïcødé файл 名前.txt'), 'non-ASCII name');
  await writeFile(join(root, 'new\nline.txt'), 'a newline in the name');
  await writeFile(join(root, 'secret.key'), 'k', { mode: 0o600 });
  await writeFile(join(root, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  await writeFile(join(root, 'docs', 'readme.md'), '# docs');
  await writeFile(join(root, 'docs', 'deep', 'er', 'file.txt'), 'deep');
  await mkdir(join(root, 'empty-dir'));
  await mkdir(join(root, 'private'), { mode: 0o700 });
  await writeFile(join(root, 'private', 'diary.txt'), 'dear diary');
  await writeFile(join(root, 'plain-or-dir'), 'a file that becomes a directory');
  await symlink('plain.txt', join(root, 'link-to-plain'));
  await symlink('nowhere/at all', join(root, 'dangling link'));
  await symlink('docs', join(root, 'link-dir'));
}

/** What changes between run r-1 and run r: additions, modifications, deletions, renames of
 * files and directories, permission changes, symlink retargets, empty directories. */
async function changeTree(root: string, r: number): Promise<void> {
  await mkdir(join(root, 'added'), { recursive: true });
  await writeFile(join(root, 'added', `file-${r}.txt`), `added in run ${r}\n`.repeat(r));
  await writeFile(join(root, 'plain.txt'), `hello ${'!'.repeat(r)}`);
  if (r % 3 === 0) await unlink(join(root, 'added', `file-${r - 1}.txt`));
  if (r % 4 === 0) {
    const [from, to] = r % 8 === 0 ? ['deeper', 'deep'] : ['deep', 'deeper'];
    await rename(join(root, 'docs', from), join(root, 'docs', to));
  }
  if (r % 4 === 1) {
    const current = (await readdir(root)).find((e) => e.startsWith('with space'))!;
    await rename(join(root, current), join(root, `with space ${r}.txt`));
  }
  if (r % 2 === 0) await chmod(join(root, 'secret.key'), r % 4 === 0 ? 0o600 : 0o640);
  if (r % 5 === 0) {
    await unlink(join(root, 'link-to-plain'));
    await symlink(r % 10 === 0 ? 'plain.txt' : 'docs/readme.md', join(root, 'link-to-plain'));
  }
  if (r % 3 === 1) await writeFile(join(root, `line\nbreak ${r}`), `newline name ${r}`);
  if (r % 3 === 2) await rm(join(root, `line\nbreak ${r - 1}`), { force: true });
  if (r === 6) await rm(join(root, 'empty-dir'), { recursive: true });
  if (r === 7) await mkdir(join(root, 'another empty'));
  if (r === 8) {
    await unlink(join(root, 'plain-or-dir'));
    await mkdir(join(root, 'plain-or-dir'));
    await writeFile(join(root, 'plain-or-dir', 'inside'), 'now a directory');
  }
  if (r === 10) await rm(join(root, 'private'), { recursive: true });
  if (r === 11) await chmod(join(root, 'docs'), 0o750);
  if (r === 12) await writeFile(join(root, 'run.sh'), '#!/bin/sh\necho changed\n');
}

test(`${RUNS} runs over a changing tree restore every retained index exactly as the tree was at that run`, async (t) => {
  const dir = await makeTempDir('backup-scenario');
  t.after(() => dir.remove());
  const source = join(dir.path, 'source');
  const target = join(dir.path, 'target');
  await mkdir(source);
  await makeInitialTree(source);
  const treeAt = new Map<number, TreeManifest>();
  let restores = 0;

  for (let run = 1; run <= RUNS; run++) {
    if (run > 1) {
      // File times come from the kernel's coarse clock while tar notes its start time from a fine
      // one: a change within the same tick as the previous run's start could look older than it.
      await sleep(20);
      await changeTree(source, run);
    }
    treeAt.set(run, await manifestOf(source));
    const made = await pytin(
      'backup',
      'run',
      '--source',
      source,
      '--target',
      target,
      '--name',
      'home',
      '--iterations',
      String(ITERATIONS),
      '--keep-sequences',
      String(KEEP),
    );
    assert.equal(made.exitCode, 0, `run ${run}: ${made.stderr}`);
    assert.equal(made.stderr, '', `run ${run} should have no warnings`);

    // Restore every index the series still holds, each into a fresh directory.
    const listing = await listJson(target, 'home');
    const retained = (listing.series[0]!.archives as Array<{ index: number }>).map((a) => a.index);
    for (const index of retained) {
      const to = join(dir.path, `restore-${run}-${index}`);
      const restored = await pytin('backup', 'restore', '--target', target, '--name', 'home', '--index', String(index), '--to', to);
      assert.equal(restored.exitCode, 0, restored.stderr);
      assert.deepEqual(manifestDifferences(treeAt.get(index)!, await manifestOf(to)), [], `index ${index} restored after run ${run}`);
      await rm(to, { recursive: true });
      restores++;
    }
  }
  assert.ok(restores >= 40, `restored ${restores} times`);

  const final = (await listJson(target, 'home')).series[0]!;
  assert.deepEqual(
    (final.archives as Array<{ index: number; kind: string }>).map((a) => `${a.index}${a.kind === 'full' ? 'F' : ''}`),
    ['9F', '10', '11', '12', '13F', '14'],
  );
  assert.deepEqual(final.next, { index: 15, kind: 'incremental', prunes: [] });
});

test('restore refuses a pruned index naming what exists, and a non-empty destination unless --force', async (t) => {
  const dir = await makeTempDir('backup-restore-refusals');
  t.after(() => dir.remove());
  const source = join(dir.path, 'source');
  const target = join(dir.path, 'target');
  await mkdir(source);
  for (let run = 1; run <= 4; run++) {
    await writeFile(join(source, `f${run}`), `${run}`);
    assert.equal(
      (await pytin('backup', 'run', '--source', source, '--target', target, '--name', 's', '--iterations', '1', '--keep-sequences', '1')).exitCode,
      0,
    );
  }
  const pruned = await pytin('backup', 'restore', '--target', target, '--name', 's', '--index', '1', '--to', join(dir.path, 'r1'));
  assert.equal(pruned.exitCode, 1);
  assert.match(pruned.stderr, /error BACKUP_INDEX_NOT_FOUND: index 1 was pruned by the rotation; the series holds indexes 3-4/);
  const future = await pytin('backup', 'restore', '--target', target, '--name', 's', '--index', '9', '--to', join(dir.path, 'r9'));
  assert.match(future.stderr, /index 9 was never made; the series holds indexes 3-4/);

  const busy = join(dir.path, 'busy');
  await mkdir(busy);
  await writeFile(join(busy, 'keep-me'), 'precious');
  const refused = await pytin('backup', 'restore', '--target', target, '--name', 's', '--index', '4', '--to', busy);
  assert.equal(refused.exitCode, 1);
  assert.match(refused.stderr, /BACKUP_RESTORE_NOT_EMPTY/);
  assert.deepEqual(await readdir(busy), ['keep-me']);

  const forced = await pytin('backup', 'restore', '--target', target, '--name', 's', '--index', '4', '--to', busy, '--force');
  assert.equal(forced.exitCode, 0, forced.stderr);
  // A full restore replays the archive's directory listing: what the backup did not hold goes.
  assert.deepEqual((await readdir(busy)).sort(), ['f1', 'f2', 'f3', 'f4']);
});
