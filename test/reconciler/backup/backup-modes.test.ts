import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmod, lstat, mkdir, open, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';

import { restoreBackup } from '../../../reconciler/backup/backup-restore.js';
import { runBackup } from '../../../reconciler/backup/run/backup-run.js';
import { runPerUserBackup } from '../../../reconciler/backup/run/per-user-run.js';
import { makeTempDir } from '../../lab/daemon.js';

/** Issue 8, hole 2: `backup run --per-user` as root made archives 0644 out of 0700 homes, so every
 * local account could read every user's files. Everything pytin creates must be 0600 (files) and
 * 0700 (folders), whatever the umask; a folder it did not create keeps its mode. */

/** Path (relative to `root`) -> octal mode of every entry under root, root excluded. */
async function modesUnder(root: string): Promise<Map<string, string>> {
  const modes = new Map<string, string>();
  async function visit(path: string): Promise<void> {
    for (const entry of await readdir(path)) {
      const full = join(path, entry);
      const info = await lstat(full);
      modes.set(relative(root, full), `${info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other'} ${(info.mode & 0o7777).toString(8)}`);
      if (info.isDirectory()) await visit(full);
    }
  }
  await visit(root);
  return modes;
}

function assertPrivate(modes: Map<string, string>, what: string): void {
  assert.ok(modes.size > 0, `${what}: nothing to check`);
  for (const [path, mode] of modes) assert.ok(mode === 'file 600' || mode === 'dir 700', `${what}: ${path} is ${mode}`);
}

async function modeOf(path: string): Promise<string> {
  return ((await lstat(path)).mode & 0o7777).toString(8);
}

/** Sets the process umask for one test, and puts it back after it, failed or not. */
function withUmask(t: { after(fn: () => void): void }, mask: number): void {
  const previous = process.umask(mask);
  t.after(() => process.umask(previous));
}

/** Hooks that look at the target while tar runs, deterministically: tar's --exclude-from is a FIFO,
 * which tar reads while parsing its options and which gets its end of file only once the modes
 * are read, so the run cannot move on (or finish) meanwhile. */
async function inspectWhileTarRuns(
  dir: string,
  target: string,
): Promise<{ excludeFrom: string; hooks: { onTarStarted: () => void }; seen: Array<Map<string, string>>; settled(): Promise<void> }> {
  const excludeFrom = join(dir, 'exclude.fifo');
  assert.equal(spawnSync('mkfifo', [excludeFrom]).status, 0);
  const seen: Array<Map<string, string>> = [];
  const pending: Array<Promise<void>> = [];
  const onTarStarted = () => {
    pending.push(
      (async () => {
        try {
          seen.push(await modesUnder(target));
        } finally {
          // Opening for writing waits for tar to open it for reading; closing is its end of file.
          await (await open(excludeFrom, 'w')).close();
        }
      })(),
    );
  };
  return { excludeFrom, hooks: { onTarStarted }, seen, settled: async () => void (await Promise.all(pending)) };
}

async function homeTree(root: string): Promise<void> {
  await mkdir(join(root, 'mail'), { recursive: true, mode: 0o700 });
  await writeFile(join(root, 'mail', 'inbox'), 'private mail', { mode: 0o600 });
  await writeFile(join(root, 'notes'), 'private notes', { mode: 0o600 });
  await chmod(root, 0o700);
}

for (const mask of [0o022, 0o000]) {
  const label = mask.toString(8).padStart(3, '0');

  test(`umask ${label}: a single-source run creates its folders 0700 and its archives, snapshots, index, log, lock and temporary files 0600; an existing target keeps its mode`, async (t) => {
    assert.equal(process.getuid?.(), 0, 'these tests run as root, as cron runs pytin');
    const dir = await makeTempDir(`backup-modes-${label}`);
    t.after(() => dir.remove());
    withUmask(t, mask);
    const source = join(dir.path, 'www');
    await homeTree(source);
    // A target three folders below anything that exists: pytin creates all three.
    const created = join(dir.path, 'made-by-pytin');
    const target = join(created, 'backups', 'www');
    const watcher = await inspectWhileTarRuns(dir.path, target);
    const options = {
      source,
      target,
      name: 'www',
      iterations: 3,
      keepSequences: 0,
      compression: 'gzip' as const,
      excludeFrom: watcher.excludeFrom,
      hooks: watcher.hooks,
    };
    for (let run = 1; run <= 4; run++) {
      await writeFile(join(source, `file-${run}`), `content ${run}`, { mode: 0o600 });
      const result = await runBackup(options);
      assert.equal(result.result, 'success', JSON.stringify(result.diagnostics));
      assertPrivate(await modesUnder(created), `after run ${run}`);
    }
    assert.equal(await modeOf(created), '700');
    // While tar runs, the lock and the run's temporary archive and snapshot exist: 0600 too.
    await watcher.settled();
    assert.equal(watcher.seen.length, 4);
    for (const modes of watcher.seen) {
      const inProgress = [...modes.keys()].filter((p) => p === 'www.lock' || /^\.www-\d+\.(tar\.gz|snar)\.[0-9a-f]{32}\.partial$/.test(p));
      assert.equal(inProgress.length, 3, [...modes.keys()].join(', '));
      assertPrivate(modes, 'while tar runs');
    }

    // A target folder the operator made keeps its mode; what pytin puts in it is private.
    const existing = join(dir.path, 'existing');
    await mkdir(existing);
    await chmod(existing, 0o755);
    const { excludeFrom: _fifo, ...plain } = options;
    assert.equal((await runBackup({ ...plain, target: existing, hooks: {} })).result, 'success');
    assert.equal(await modeOf(existing), '755');
    assertPrivate(await modesUnder(existing), 'in an existing target');

    // The folders a restore creates for its destination are 0700 too (tar then gives the
    // destination itself the mode the source had).
    const restored = join(dir.path, 'restore-parent', 'www');
    assert.equal((await restoreBackup({ target, name: 'www', index: 4, to: restored, force: false })).ok, true);
    assert.equal(await modeOf(join(dir.path, 'restore-parent')), '700');
    assert.equal(await modeOf(restored), '700');
  });

  test(`umask ${label}: a per-user run creates the target 0700, each user's folder 0700 and every file 0600, so no other account can read a user's archive`, async (t) => {
    const dir = await makeTempDir(`backup-modes-per-user-${label}`);
    t.after(() => dir.remove());
    withUmask(t, mask);
    // Open all the way down to the target, as /srv/backup often is: only pytin's modes protect.
    await chmod(dir.path, 0o755);
    const home = join(dir.path, 'home');
    await mkdir(home);
    await chmod(home, 0o755);
    for (const user of ['alice', 'bob']) await homeTree(join(home, user));
    const target = join(dir.path, 'backups');
    const watcher = await inspectWhileTarRuns(dir.path, target);
    const options = {
      home,
      target,
      name: 'home',
      iterations: 3,
      keepSequences: 1,
      compression: 'gzip' as const,
      excludeFrom: watcher.excludeFrom,
      hooks: watcher.hooks,
    };
    for (let run = 1; run <= 2; run++) {
      const outcome = await runPerUserBackup(options);
      assert.deepEqual(
        outcome.results.map((r) => [r.user, r.result]),
        [
          ['alice', 'success'],
          ['bob', 'success'],
        ],
        JSON.stringify(outcome),
      );
    }
    assert.equal(await modeOf(target), '700');
    assertPrivate(await modesUnder(target), 'per-user target');
    await watcher.settled();
    assert.equal(watcher.seen.length, 4);
    for (const modes of watcher.seen) assertPrivate(modes, 'per-user, while tar runs');

    // The attack itself: another local account reads alice's archive. Open the target folder as an
    // operator might; alice's folder and her archive still keep everyone else out.
    await chmod(target, 0o755);
    const archive = join(target, 'alice', 'home-2.tar.gz');
    const nobody = spawnSync('runuser', ['-u', 'nobody', '--', 'cat', archive], { encoding: 'utf8' });
    assert.notEqual(nobody.status, 0, "nobody could read alice's archive");
    assert.match(nobody.stderr, /Permission denied/);
  });

  test(`umask ${label}: the installed command line, run as cron runs it, leaves the same modes`, async (t) => {
    const dir = await makeTempDir(`backup-modes-cli-${label}`);
    t.after(() => dir.remove());
    const home = join(dir.path, 'home');
    await mkdir(home);
    await homeTree(join(home, 'alice'));
    const source = join(dir.path, 'www');
    await homeTree(source);
    const cli = new URL('../../../reconciler/cli/pytin.js', import.meta.url).pathname;
    // A real process started by a shell with that umask, as cron starts `pytin backup run`.
    const pytinWithUmask = (...args: string[]) =>
      new Promise<number | null>((resolve) => {
        const child = spawn('/bin/sh', ['-c', `umask ${label}; exec "$0" "$@"`, process.execPath, cli, ...args], { stdio: 'ignore' });
        child.once('exit', resolve);
      });
    const perUser = join(dir.path, 'per-user-target');
    const single = join(dir.path, 'single', 'target');
    for (let run = 1; run <= 2; run++) {
      assert.equal(await pytinWithUmask('backup', 'run', '--per-user', home, '--target', perUser, '--name', 'home'), 0);
      assert.equal(await pytinWithUmask('backup', 'run', '--source', source, '--target', single, '--name', 'www'), 0);
    }
    assert.equal(await modeOf(perUser), '700');
    assertPrivate(await modesUnder(perUser), 'per-user, from the command line');
    assert.equal(await modeOf(join(dir.path, 'single')), '700');
    assertPrivate(await modesUnder(join(dir.path, 'single')), 'single source, from the command line');
  });
}
