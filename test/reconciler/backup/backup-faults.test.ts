import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import type { BackupRunOptions } from '../../../reconciler/backup/backup-options.js';
import { sha256OfFile } from '../../../reconciler/backup/fs/archive-checksum.js';
import { runBackup } from '../../../reconciler/backup/run/backup-run.js';
import { shellQuote } from '../../../reconciler/transports/shell-quote.js';
import { makeTempDir, waitFor } from '../../lab/daemon.js';
import { listJson, pytin, STACK_TRACE } from './backup-cli.js';
import { manifestDifferences, manifestOf } from './tree-manifest.js';

/** Incompressible data: gzip needs about a second for 48 MiB, a window to act in mid-archive. */
async function writeRandomFile(path: string, mebibytes: number): Promise<void> {
  await writeFile(path, Buffer.concat(Array.from({ length: mebibytes }, () => randomBytes(1 << 20))));
}

async function smallTree(root: string): Promise<void> {
  await mkdir(join(root, 'a'), { recursive: true });
  await writeFile(join(root, 'a', 'one.txt'), 'one');
  await writeFile(join(root, 'two.txt'), 'two');
}

function options(source: string, target: string, extra: Partial<BackupRunOptions> = {}): BackupRunOptions {
  return { source, target, name: 'data', iterations: 5, keepSequences: 1, compression: 'gzip', ...extra };
}

/** Everything in the target but the run log, with checksums: what "nothing was lost" compares. */
async function targetContents(target: string): Promise<Record<string, string>> {
  const contents: Record<string, string> = {};
  for (const entry of (await readdir(target)).sort()) {
    if (entry.endsWith('.log.jsonl')) continue;
    contents[entry] = await sha256OfFile(join(target, entry));
  }
  return contents;
}

test('tar killed in the middle of an archive leaves the previous archives and index intact; the next run makes that index correctly', async (t) => {
  const dir = await makeTempDir('backup-kill');
  t.after(() => dir.remove());
  const source = join(dir.path, 'source');
  const target = join(dir.path, 'target');
  await smallTree(source);
  assert.equal((await runBackup(options(source, target))).result, 'success');
  await writeFile(join(source, 'two.txt'), 'two, changed');
  assert.equal((await runBackup(options(source, target))).result, 'success');
  const before = await targetContents(target);

  await writeRandomFile(join(source, 'big.bin'), 48);
  let tarPid = 0;
  const killed = runBackup(options(source, target, { hooks: { onTarStarted: (pid) => (tarPid = pid) } }));
  // Kill once tar has demonstrably started writing the archive (the partial file has data).
  await waitFor(
    'tar to write part of archive 3',
    async () => {
      const partial = (await readdir(target)).find((e) => e.startsWith('.data-3.tar.gz'));
      return tarPid > 0 && partial !== undefined && (await stat(join(target, partial))).size > 0;
    },
    20000,
    5,
  );
  process.kill(tarPid, 'SIGKILL');
  const result = await killed;
  assert.equal(result.result, 'failed');
  assert.deepEqual(
    result.diagnostics.map((d) => d.code),
    ['BACKUP_TAR_KILLED'],
  );
  assert.deepEqual(await targetContents(target), before, 'archives 1-2, snapshot 2 and the index are untouched, no temporary file is left');

  const next = await runBackup(options(source, target));
  assert.equal(next.result, 'success', JSON.stringify(next.diagnostics));
  assert.equal(next.index, 3);
  const to = join(dir.path, 'restored');
  assert.equal((await pytin('backup', 'restore', '--target', target, '--name', 'data', '--index', '3', '--to', to)).exitCode, 0);
  assert.deepEqual(manifestDifferences(await manifestOf(source), await manifestOf(to)), []);
  assert.equal((await pytin('backup', 'verify', '--target', target, '--name', 'data')).exitCode, 0);
});

test('a pytin process killed mid-run leaves a stale lock and temporary files that the next run takes over and cleans', async (t) => {
  const dir = await makeTempDir('backup-kill-pytin');
  t.after(() => dir.remove());
  const source = join(dir.path, 'source');
  const target = join(dir.path, 'target');
  await smallTree(source);
  assert.equal((await runBackup(options(source, target))).result, 'success');
  await writeRandomFile(join(source, 'big.bin'), 48);
  const before = await targetContents(target);

  const cli = new URL('../../../reconciler/cli/pytin.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [cli, 'backup', 'run', '--source', source, '--target', target, '--name', 'data', '--iterations', '5'], {
    stdio: 'ignore',
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await waitFor(
    'the child run to start writing archive 2',
    async () => {
      const partial = (await readdir(target)).find((e) => e.startsWith('.data-2.tar.gz'));
      return partial !== undefined && (await stat(join(target, partial))).size > 0;
    },
    20000,
    5,
  );
  // The child's tar, found through the child's pid, is killed too, as a crash of the host would.
  const childrenOf = async (pid: number): Promise<number[]> =>
    (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).split(' ').filter(Boolean).map(Number);
  const tarPids = await childrenOf(child.pid!);
  child.kill('SIGKILL');
  for (const pid of tarPids) process.kill(pid, 'SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  const leftovers = await readdir(target);
  assert.ok(leftovers.includes('data.lock'), `a stale lock is left: ${leftovers.join(', ')}`);
  assert.ok(
    leftovers.some((e) => e.endsWith('.partial')),
    'temporary files are left',
  );

  const next = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'data', '--iterations', '5');
  assert.equal(next.exitCode, 0, next.stderr);
  assert.match(next.stderr, new RegExp(`warning BACKUP_LOCK_STALE: took over a stale lock of pid ${child.pid} `));
  assert.match(next.stdout, /made data-2\.tar\.gz \(incremental/);
  const after = await targetContents(target);
  assert.equal(after['data-1.tar.gz'], before['data-1.tar.gz']);
  assert.deepEqual(
    Object.keys(after).filter((e) => e.endsWith('.partial') || e.endsWith('.lock')),
    [],
  );
});

/** Runs `body` with a wrapper `tar` first on this process's PATH (the engine starts tar by name):
 * the real GNU tar with `extra` arguments before the engine's own. PATH is restored after. */
async function withTarArguments<T>(dir: string, extra: readonly string[], body: () => Promise<T>): Promise<T> {
  const bin = join(dir, 'tar-wrapper-bin');
  await mkdir(bin, { recursive: true });
  const quoted = extra.map(shellQuote).join(' ');
  await writeFile(join(bin, 'tar'), `#!/bin/sh\nexec /usr/bin/tar ${quoted} "$@"\n`, { mode: 0o755 });
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path ?? ''}`;
  try {
    return await body();
  } finally {
    process.env.PATH = path;
  }
}

test('a file changed while tar reads it gives a warning, a valid archive, and the next run picks the change up', async (t) => {
  const dir = await makeTempDir('backup-changed');
  t.after(() => dir.remove());
  const source = join(dir.path, 'source');
  const target = join(dir.path, 'target');
  await smallTree(source);
  const growing = join(source, 'growing.log');
  await writeRandomFile(growing, 32);
  // The change happens inside tar's own reading, not on a timer racing it: tar appends to the
  // file at every 500th record it writes (its --checkpoint-action), and the 32 MiB file spans
  // over 3,000 records, so tar is in the middle of it at several checkpoints on any machine.
  const run = await withTarArguments(dir.path, ['--checkpoint=500', `--checkpoint-action=exec=echo more >> ${growing}`], () =>
    runBackup(options(source, target)),
  );
  assert.equal(run.result, 'warning', JSON.stringify(run.diagnostics));
  assert.deepEqual(
    run.diagnostics.map((d) => `${d.severity} ${d.code}`),
    ['warning BACKUP_FILES_CHANGED'],
  );
  assert.match(run.diagnostics[0]!.detail ?? '', /file changed as we read it/);
  assert.equal(run.archive?.tarExitStatus, 1);
  assert.equal((await pytin('backup', 'verify', '--target', target, '--name', 'data')).exitCode, 0);

  const next = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'data', '--iterations', '5');
  assert.equal(next.exitCode, 0, next.stderr);
  const to = join(dir.path, 'restored');
  assert.equal((await pytin('backup', 'restore', '--target', target, '--name', 'data', '--index', '2', '--to', to)).exitCode, 0);
  assert.deepEqual(manifestDifferences(await manifestOf(source), await manifestOf(to)), [], 'index 2 holds the file as it ended up');
});

test('every run, failed or not, appends a JSON line with index, kind, result, bytes, checksum and duration', async (t) => {
  const dir = await makeTempDir('backup-changed-cli');
  t.after(() => dir.remove());
  const source = join(dir.path, 'source');
  await smallTree(source);
  const logTarget = join(dir.path, 'target');
  const run = await runBackup(options(source, logTarget));
  assert.equal(run.result, 'success');
  const log = (await readFile(join(logTarget, 'data.log.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(log.length, 1);
  assert.equal(log[0]!.result, 'success');
  assert.equal(log[0]!.index, 1);
  assert.equal(log[0]!.kind, 'full');
  assert.equal(log[0]!.bytes, run.archive!.sizeBytes);
  assert.equal(log[0]!.sha256, run.archive!.sha256);
  assert.ok(typeof log[0]!.durationMs === 'number');
  assert.deepEqual(log[0]!.warnings, []);
  await rm(source, { recursive: true });
  const failed = await runBackup(options(source, logTarget));
  assert.equal(failed.result, 'failed');
  const lines = (await readFile(join(logTarget, 'data.log.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 2);
  assert.equal(lines[1]!.result, 'failed');
  assert.match(String((lines[1]!.errors as string[])[0]), /^BACKUP_SOURCE_MISSING: /);
});

test('a stale lock of a process that no longer exists is taken over with a warning', async (t) => {
  const dir = await makeTempDir('backup-stale-lock');
  t.after(() => dir.remove());
  const source = join(dir.path, 'source');
  const target = join(dir.path, 'target');
  await smallTree(source);
  await mkdir(target);
  const gone = spawnSync('true').pid!;
  await writeFile(join(target, 'data.lock'), JSON.stringify({ pid: gone, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', processStart: null }));
  const run = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'data');
  assert.equal(run.exitCode, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`warning BACKUP_LOCK_STALE: took over a stale lock of pid ${gone} on ${hostname()}`));
  assert.match(run.stdout, /made data-1\.tar\.gz \(full/);
  assert.ok(!(await readdir(target)).includes('data.lock'), 'the lock is released after the run');
});

test('an empty lock file left by a power cut does not block later runs', async (t) => {
  const dir = await makeTempDir('backup-torn-lock');
  t.after(() => dir.remove());
  const source = join(dir.path, 'source');
  const target = join(dir.path, 'target');
  await smallTree(source);
  await mkdir(target);
  await writeFile(join(target, 'data.lock'), '');
  const anHourAgo = new Date(Date.now() - 3600_000);
  await utimes(join(target, 'data.lock'), anHourAgo, anHourAgo);
  const run = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'data');
  assert.equal(run.exitCode, 0, run.stderr);
  assert.match(run.stderr, /warning BACKUP_LOCK_STALE: took over an empty or unreadable lock last written /);

  // A fresh empty lock may be one being written this instant: it is respected.
  await writeFile(join(target, 'data.lock'), '');
  const refused = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'data');
  assert.equal(refused.exitCode, 1);
  assert.match(refused.stderr, /BACKUP_LOCK_(HELD|FOREIGN_HOST)/);
});

test('a second run of a series is refused while the first one runs, and list shows the holder', async (t) => {
  const dir = await makeTempDir('backup-concurrent');
  t.after(() => dir.remove());
  const source = join(dir.path, 'source');
  const target = join(dir.path, 'target');
  await smallTree(source);
  await writeRandomFile(join(source, 'big.bin'), 32);
  // The first run's tar is stopped as soon as it starts, so the first run is still under way
  // while the second is tried, however slow this machine is (it used to be assumed still
  // compressing 32 MiB). It continues once the second run has been refused.
  let tarPid = 0;
  let started!: () => void;
  const tarRunning = new Promise<void>((resolve) => (started = resolve));
  const first = runBackup(
    options(source, target, {
      hooks: {
        onTarStarted: (pid) => {
          tarPid = pid;
          process.kill(pid, 'SIGSTOP'); // our own child
          started();
        },
      },
    }),
  );
  t.after(() => {
    // Whatever happened, the stopped tar is let go (and the first run can end).
    try {
      process.kill(tarPid, 'SIGCONT');
    } catch {
      // already gone
    }
  });
  await tarRunning;

  const second = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'data');
  assert.equal(second.exitCode, 1);
  assert.match(second.stderr, new RegExp(`error BACKUP_LOCK_HELD: another run holds the lock: pid ${process.pid} on ${hostname()}`));
  const during = (await listJson(target, 'data')).series[0]!;
  assert.deepEqual(
    { ...(during.lock as Record<string, unknown>), startedAt: 'x', ageSeconds: 0 },
    { pid: process.pid, host: hostname(), startedAt: 'x', ageSeconds: 0, liveness: 'alive' },
  );

  process.kill(tarPid, 'SIGCONT');
  const firstResult = await first;
  assert.equal(firstResult.result, 'success');
  assert.equal(firstResult.index, 1);
  const after = (await listJson(target, 'data')).series[0]!;
  assert.equal(after.lock, null);
  assert.equal(after.currentIndex, 1);
});

test('a full disk fails with BACKUP_DISK_FULL, exit 1, and loses nothing', async (t) => {
  const dir = await makeTempDir('backup-full-disk');
  const mounts: string[] = [];
  // Unmount before removing: node:test runs after-hooks in the order they were added.
  t.after(async () => {
    for (const m of mounts) spawnSync('umount', [m]);
    await dir.remove();
  });
  const source = join(dir.path, 'source');
  const target = join(dir.path, 'target');
  await smallTree(source);
  await mkdir(target);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', target], { encoding: 'utf8' });
  assert.equal(mounted.status, 0, `mounting a small tmpfs needs root: ${mounted.stderr}`);
  mounts.push(target);
  assert.equal((await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'data')).exitCode, 0);
  const before = await targetContents(target);

  await writeRandomFile(join(source, 'big.bin'), 8);
  const full = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'data');
  assert.equal(full.exitCode, 1);
  assert.match(full.stderr, /error BACKUP_DISK_FULL: the target .* is full; archive 2 was not made and nothing was advanced/);
  assert.match(full.stderr, /No space left on device/);
  assert.doesNotMatch(full.stderr, STACK_TRACE);
  assert.deepEqual(await targetContents(target), before, 'archive 1, its snapshot and the index are intact; no temporary file is left');
  assert.equal((await pytin('backup', 'verify', '--target', target, '--name', 'data')).exitCode, 0);

  await unlink(join(source, 'big.bin'));
  const next = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'data');
  assert.equal(next.exitCode, 0, next.stderr);
  assert.match(next.stdout, /made data-2\.tar\.gz/);
});

test('operator mistakes are one clear BACKUP_* or usage message, exit 1, never a stack trace', async (t) => {
  const dir = await makeTempDir('backup-mistakes');
  const mounts: string[] = [];
  // Unmount before removing: node:test runs after-hooks in the order they were added.
  t.after(async () => {
    for (const m of mounts) spawnSync('umount', [m]);
    await dir.remove();
  });
  const source = join(dir.path, 'source');
  const target = join(dir.path, 'target');
  await smallTree(source);
  const readOnly = join(dir.path, 'read-only');
  await mkdir(readOnly);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', readOnly], { encoding: 'utf8' });
  assert.equal(mounted.status, 0, mounted.stderr);
  mounts.push(readOnly);
  const cases: Array<[string[], RegExp]> = [
    [['--source', join(dir.path, 'nope'), '--target', target, '--name', 'd'], /error BACKUP_SOURCE_MISSING: the source .*nope does not exist/],
    [['--source', join(source, 'two.txt'), '--target', target, '--name', 'd'], /error BACKUP_SOURCE_NOT_DIRECTORY/],
    [
      ['--source', source, '--target', readOnly, '--name', 'd'],
      /error BACKUP_TARGET_UNWRITABLE: the target .*read-only cannot be created or written \(EROFS\)/,
    ],
    [['--source', source, '--target', join(source, 'two.txt', 'x'), '--name', 'd'], /error BACKUP_TARGET_UNWRITABLE/],
    [['--source', source, '--target', join(source, 'backups'), '--name', 'd'], /error BACKUP_TARGET_INSIDE_SOURCE/],
    [['--source', source, '--target', target, '--name', 'd', '--exclude-from', join(dir.path, 'none')], /error BACKUP_EXCLUDE_FILE_MISSING/],
    [['--source', source, '--target', target, '--name', 'd', '--iterations', '0'], /--iterations must be an integer >= 1, got "0"/],
    [['--source', source, '--target', target, '--name', 'd', '--keep-sequences', 'two'], /--keep-sequences must be an integer >= 0/],
    [['--source', source, '--target', target, '--name', 'd', '--compress', 'lz4'], /--compress must be one of gzip, zstd, pigz, got "lz4"/],
    [['--source', source, '--per-user', dir.path, '--target', target, '--name', 'd'], /give exactly one of --source and --per-user/],
    [['--source', source, '--target', target, '--name', '../d'], /--name "..\/d" may only hold/],
    [['--source', source, '--target', target], /--name is required/],
  ];
  for (const [args, expected] of cases) {
    const outcome = await pytin('backup', 'run', ...args);
    assert.equal(outcome.exitCode, 1, args.join(' '));
    assert.match(outcome.stderr, expected, args.join(' '));
    assert.doesNotMatch(outcome.stderr, STACK_TRACE);
  }
  // Changing --iterations in the middle of a series would break its arithmetic: refused.
  assert.equal((await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'd', '--iterations', '5')).exitCode, 0);
  const changed = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'd', '--iterations', '7');
  assert.equal(changed.exitCode, 1);
  assert.match(changed.stderr, /error BACKUP_ITERATIONS_CHANGED: the series was made with --iterations 5, not 7/);
  // Archives whose index file vanished are never overwritten by a new index 1.
  await rm(join(target, 'd.index.json'));
  const lost = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'd', '--iterations', '5');
  assert.equal(lost.exitCode, 1);
  assert.match(lost.stderr, /error BACKUP_STATE_MISSING: .* archives of the series exist \(d-1\.tar\.gz\)/);
});

test('BACKUP_WRITE_FAILED: the target folder taken away while tar writes leaves the committed series as it was, and the next run makes the same index', async (t) => {
  const dir = await makeTempDir('backup-write-failed');
  t.after(() => dir.remove());
  const source = join(dir.path, 'source');
  const target = join(dir.path, 'target');
  const away = join(dir.path, 'target-away');
  await smallTree(source);
  assert.equal((await runBackup(options(source, target))).result, 'success');
  const committed = await targetContents(target);
  await writeRandomFile(join(source, 'big.bin'), 8);
  // Inside tar's own writing (its checkpoint action, not a timer): the target folder is moved
  // aside once and a plain file put in its place, so every later write of the run under the
  // target's path fails with ENOTDIR — an errno that is neither a full disk nor a permission.
  const swap = `[ -e ${shellQuote(away)} ] || { mv ${shellQuote(target)} ${shellQuote(away)} && : > ${shellQuote(target)}; }`;
  const failed = await withTarArguments(dir.path, ['--checkpoint=100', `--checkpoint-action=exec=${swap}`], () => runBackup(options(source, target)));
  assert.equal(failed.result, 'failed', JSON.stringify(failed.diagnostics));
  assert.ok(
    failed.diagnostics.some((d) => d.code === 'BACKUP_WRITE_FAILED' && /ENOTDIR/.test(`${d.summary} ${d.detail ?? ''}`)),
    JSON.stringify(failed.diagnostics),
  );
  // Put the folder back: its committed files are byte for byte what they were (the run's own
  // temporary files and its lock are left for the next run's recovery, as after a crash).
  await rm(target);
  await rename(away, target);
  const after = await targetContents(target);
  for (const [name, sum] of Object.entries(committed)) assert.equal(after[name], sum, name);
  assert.equal((await listJson(target, 'data')).series[0]!.currentIndex, 1);
  // The run could not remove its lock (the folder was away): it names this very process, which
  // is alive, so the next run is refused until an operator removes it (a dead holder's lock is
  // taken over by itself: backup-faults' crash tests).
  const refused = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'data', '--iterations', '5');
  assert.match(refused.stderr, new RegExp(`BACKUP_LOCK_HELD: another run holds the lock: pid ${process.pid} `));
  await unlink(join(target, 'data.lock'));
  const next = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'data', '--iterations', '5');
  assert.equal(next.exitCode, 0, next.stderr);
  assert.equal((await listJson(target, 'data')).series[0]!.currentIndex, 2);
  assert.equal((await pytin('backup', 'verify', '--target', target, '--name', 'data')).exitCode, 0);
});
