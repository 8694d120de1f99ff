import assert from 'node:assert/strict';
import { mkdir, open, readdir, truncate, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { makeTempDir } from '../../lab/daemon.js';
import { listJson, pytin, pytinIn } from './backup-cli.js';

async function series(root: string, runs: number, iterations = 3, extra: string[] = []): Promise<{ source: string; target: string }> {
  const source = join(root, 'source');
  const target = join(root, 'target');
  await mkdir(source, { recursive: true });
  for (let run = 1; run <= runs; run++) {
    await writeFile(join(source, `file-${run}`), `content ${run}`);
    const made = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'www', '--iterations', String(iterations), ...extra);
    assert.equal(made.exitCode, 0, made.stderr);
  }
  return { source, target };
}

test('list --json gives every archive with kind, size, mtime, checksum and its pruning run, the next run, the lock and the last run', async (t) => {
  const dir = await makeTempDir('backup-list');
  t.after(() => dir.remove());
  const { target } = await series(dir.path, 6);
  const listing = await listJson(target, 'www');
  assert.equal(listing.schemaVersion, 1);
  const s = listing.series[0]!;
  // Host observation parses this document: its fields are a contract (added to, never renamed).
  assert.deepEqual(Object.keys(listing).sort(), ['generatedAt', 'schemaVersion', 'series']);
  assert.deepEqual(Object.keys(s).sort(), [
    'address',
    'archives',
    'currentIndex',
    'diagnostics',
    'exists',
    'iterations',
    'keepSequences',
    'lastRun',
    'lastSuccess',
    'lock',
    'name',
    'newestArchive',
    'next',
    'snapshotPresent',
    'target',
    'totalBytes',
    'user',
  ]);
  assert.deepEqual(Object.keys((s.archives as object[])[0]!).sort(), [
    'compression',
    'createdAt',
    'file',
    'fullIndex',
    'index',
    'kind',
    'mtime',
    'present',
    'prunedWhenIndex',
    'sha256',
    'sizeBytes',
    'tarExitStatus',
  ]);
  assert.deepEqual(Object.keys(s.lastRun as object).sort(), [
    'bytes',
    'durationMs',
    'errors',
    'finishedAt',
    'host',
    'index',
    'kind',
    'pid',
    'pruned',
    'result',
    'sha256',
    'startedAt',
    'warnings',
  ]);
  assert.equal(s.address, 'backup/www');
  assert.equal(s.exists, true);
  assert.equal(s.currentIndex, 6);
  assert.equal(s.iterations, 3);
  assert.equal(s.keepSequences, 1);
  assert.deepEqual(s.next, { index: 7, kind: 'full', prunes: [1, 2, 3] });
  const archives = s.archives as Array<Record<string, unknown>>;
  assert.deepEqual(
    archives.map((a) => [a.index, a.kind, a.fullIndex, a.file, a.prunedWhenIndex]),
    [
      [1, 'full', 1, 'www-1.tar.gz', 7],
      [2, 'incremental', 1, 'www-2.tar.gz', 7],
      [3, 'incremental', 1, 'www-3.tar.gz', 7],
      [4, 'full', 4, 'www-4.tar.gz', 10],
      [5, 'incremental', 4, 'www-5.tar.gz', 10],
      [6, 'incremental', 4, 'www-6.tar.gz', 10],
    ],
  );
  for (const a of archives) {
    assert.match(String(a.sha256), /^[0-9a-f]{64}$/);
    assert.ok(Number(a.sizeBytes) > 0);
    assert.ok(!Number.isNaN(Date.parse(String(a.mtime))));
    assert.equal(a.present, true);
    assert.equal(a.compression, 'gzip');
  }
  assert.equal(
    s.totalBytes,
    archives.reduce((sum, a) => sum + Number(a.sizeBytes), 0),
  );
  assert.equal(s.lock, null);
  assert.equal(s.newestArchive, null, 'read back only with --verify-newest');
  assert.equal((s.lastRun as Record<string, unknown>).result, 'success');
  assert.equal((s.lastRun as Record<string, unknown>).index, 6);
  assert.deepEqual(s.diagnostics, []);

  const human = await pytin('backup', 'list', '--target', target, '--name', 'www');
  assert.equal(human.exitCode, 0);
  assert.match(human.stdout, /current index 6; the next run makes 7 \(full\) and prunes 1-3/);
  assert.match(human.stdout, /^\s+1\s+full\s+.*\s+7\s+[0-9a-f]{16}$/m);
  assert.match(human.stdout, /lock: free/);
  assert.match(human.stdout, /last run: success at .*, index 6 \(incremental\)/);
});

/** Flips one byte in the middle of a file, keeping its size. */
async function flipMiddleByte(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const { size } = await handle.stat();
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, Math.floor(size / 2));
    await handle.write(Buffer.from([byte[0]! ^ 0xff]), 0, 1, Math.floor(size / 2));
  } finally {
    await handle.close();
  }
}

test('list --verify-newest reads the newest GNU tar archive back: as recorded, one byte changed, cut short', async (t) => {
  const dir = await makeTempDir('backup-list-newest');
  t.after(() => dir.remove());
  const { target } = await series(dir.path, 4);
  const newest = async () => {
    const { stdout } = await pytin('backup', 'list', '--target', target, '--name', 'www', '--verify-newest', '--json');
    const s = (JSON.parse(stdout) as { series: Array<Record<string, unknown>> }).series[0]!;
    const recorded = (s.archives as Array<{ index: number; sha256: string; sizeBytes: number }>).find((a) => a.index === 4)!;
    return { check: s.newestArchive as { index: number; file: string; result: string; sha256: string; sizeBytes: number }, recorded };
  };
  const intact = await newest();
  assert.deepEqual(intact.check, { index: 4, file: 'www-4.tar.gz', result: 'ok', sizeBytes: intact.recorded.sizeBytes, sha256: intact.recorded.sha256 });
  const human = await pytin('backup', 'list', '--target', target, '--name', 'www', '--verify-newest');
  assert.match(human.stdout, /newest archive 4 read back: size and sha256 as recorded/);

  await flipMiddleByte(join(target, 'www-4.tar.gz'));
  const flipped = await newest();
  assert.equal(flipped.check.result, 'checksum');
  assert.equal(flipped.check.sizeBytes, flipped.recorded.sizeBytes);
  assert.notEqual(flipped.check.sha256, flipped.recorded.sha256);
  assert.match(flipped.check.sha256, /^[0-9a-f]{64}$/);

  await truncate(join(target, 'www-4.tar.gz'), 10);
  assert.equal((await newest()).check.result, 'size');
});

test('list shows a stale lock as dead, with its holder and age', async (t) => {
  const dir = await makeTempDir('backup-list-lock');
  t.after(() => dir.remove());
  const { target } = await series(dir.path, 1);
  await writeFile(
    join(target, 'www.lock'),
    JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), startedAt: new Date(Date.now() - 90_000).toISOString(), processStart: null }),
  );
  const lock = (await listJson(target, 'www')).series[0]!.lock as Record<string, unknown>;
  assert.equal(lock.pid, 2 ** 22 + 7);
  assert.equal(lock.liveness, 'dead');
  assert.ok(Number(lock.ageSeconds) >= 89 && Number(lock.ageSeconds) <= 120, `age ${lock.ageSeconds}`);
});

test('list of a series that does not exist says so and exits 1', async (t) => {
  const dir = await makeTempDir('backup-list-none');
  t.after(() => dir.remove());
  const listing = await pytin('backup', 'list', '--target', dir.path, '--name', 'ghost');
  assert.equal(listing.exitCode, 1);
  assert.match(listing.stderr, /error BACKUP_NO_SERIES: there is no series "ghost"/);
});

test('verify passes on intact archives and names a corrupted one', async (t) => {
  const dir = await makeTempDir('backup-verify');
  t.after(() => dir.remove());
  const { target } = await series(dir.path, 3);
  const ok = await pytin('backup', 'verify', '--target', target, '--name', 'www');
  assert.equal(ok.exitCode, 0, ok.stderr);
  assert.equal(ok.stdout, 'ok   1  www-1.tar.gz\nok   2  www-2.tar.gz\nok   3  www-3.tar.gz\n');

  // Flip one byte in the middle of archive 2, keeping its size.
  const handle = await open(join(target, 'www-2.tar.gz'), 'r+');
  const { size } = await handle.stat();
  const middle = Buffer.alloc(1);
  await handle.read(middle, 0, 1, Math.floor(size / 2));
  await handle.write(Buffer.from([middle[0]! ^ 0xff]), 0, 1, Math.floor(size / 2));
  await handle.close();

  const bad = await pytin('backup', 'verify', '--target', target, '--name', 'www', '--json');
  assert.equal(bad.exitCode, 1);
  const result = JSON.parse(bad.stdout) as { ok: boolean; archives: Array<{ index: number; ok: boolean; problems: string[] }> };
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.archives.map((a) => [a.index, a.ok]),
    [
      [1, true],
      [2, false],
      [3, true],
    ],
  );
  assert.ok(result.archives[1]!.problems.includes('BACKUP_VERIFY_CHECKSUM'));
  assert.match(bad.stderr, /error BACKUP_VERIFY_CHECKSUM: archive 2 has sha256 [0-9a-f]{64}, recorded [0-9a-f]{64}/);

  // Restoring through the damaged increment is refused before anything is written.
  const to = join(dir.path, 'restored');
  const restore = await pytin('backup', 'restore', '--target', target, '--name', 'www', '--index', '3', '--to', to);
  assert.equal(restore.exitCode, 1);
  assert.match(restore.stderr, /error BACKUP_RESTORE_CORRUPT: index 3 needs www-2\.tar\.gz, whose sha256 differs/);
  await assert.rejects(readdir(to), /ENOENT/);
  // Index 1 does not need archive 2 and still restores.
  assert.equal((await pytin('backup', 'restore', '--target', target, '--name', 'www', '--index', '1', '--to', to)).exitCode, 0);
});

for (const compression of ['zstd', 'pigz'] as const) {
  test(`a ${compression} series restores like a gzip one`, async (t) => {
    const dir = await makeTempDir(`backup-${compression}`);
    t.after(() => dir.remove());
    const { target } = await series(dir.path, 4, 3, ['--compress', compression]);
    const listing = (await listJson(target, 'www')).series[0]!;
    const files = (listing.archives as Array<{ file: string; compression: string }>).map((a) => `${a.file} ${a.compression}`);
    const ext = compression === 'zstd' ? 'tar.zst' : 'tar.gz';
    assert.deepEqual(
      files,
      [1, 2, 3, 4].map((i) => `www-${i}.${ext} ${compression}`),
    );
    const to = join(dir.path, 'restored');
    assert.equal((await pytin('backup', 'restore', '--target', target, '--name', 'www', '--index', '3', '--to', to)).exitCode, 0);
    assert.equal((await pytin('backup', 'verify', '--target', target, '--name', 'www')).exitCode, 0);
    assert.deepEqual((await readdir(to)).sort(), ['file-1', 'file-2', 'file-3']);
  });
}

test('--exclude-from keeps matching files out of every archive', async (t) => {
  const dir = await makeTempDir('backup-exclude');
  t.after(() => dir.remove());
  const source = join(dir.path, 'source');
  await mkdir(join(source, 'cache'), { recursive: true });
  await writeFile(join(source, 'keep.txt'), 'keep');
  await writeFile(join(source, 'cache', 'big.tmp'), 'skip');
  await writeFile(join(source, 'core'), 'skip');
  const excludes = join(dir.path, 'excludes');
  await writeFile(excludes, './cache\ncore\n');
  const target = join(dir.path, 'target');
  assert.equal((await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'x', '--exclude-from', excludes)).exitCode, 0);
  const to = join(dir.path, 'restored');
  assert.equal((await pytin('backup', 'restore', '--target', target, '--name', 'x', '--index', '1', '--to', to)).exitCode, 0);
  assert.deepEqual(await readdir(to), ['keep.txt']);
});

test('relative paths are taken from the working directory of the invocation', async (t) => {
  const dir = await makeTempDir('backup-relative');
  t.after(() => dir.remove());
  await mkdir(join(dir.path, 'src'));
  await writeFile(join(dir.path, 'src', 'a'), 'a');
  const io = { cwd: dir.path };
  const made = await pytinIn(io.cwd, 'backup', 'run', '--source', 'src', '--target', 'backups', '--name', 'rel');
  assert.equal(made.exitCode, 0, made.stderr);
  assert.deepEqual(
    (await readdir(join(dir.path, 'backups'))).filter((e) => e.endsWith('.tar.gz')),
    ['rel-1.tar.gz'],
  );
  const restored = await pytinIn(io.cwd, 'backup', 'restore', '--target', 'backups', '--name', 'rel', '--index', '1', '--to', 'out');
  assert.equal(restored.exitCode, 0, restored.stderr);
  assert.deepEqual(await readdir(join(dir.path, 'out')), ['a']);
});
