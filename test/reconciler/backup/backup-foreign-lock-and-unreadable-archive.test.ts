import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { sha256OfFile } from '../../../reconciler/backup/fs/archive-checksum.js';
import { makeTempDir } from '../../lab/daemon.js';
import { listJson, pytin, STACK_TRACE } from './backup-cli.js';

// Two backup faults no CLI flag produces, made as they happen: a series whose target another
// backup node also writes to (its lock names that host), and an archive that was damaged before
// pytin took its checksum. Real GNU tar and real files; each asserts the code and the disk.

async function oneArchive(root: string): Promise<{ source: string; target: string }> {
  const source = join(root, 'source');
  const target = join(root, 'target');
  await mkdir(join(source, 'docs'), { recursive: true });
  // Enough bytes that half of the gzip stream is still a gzip stream, cut short.
  await writeFile(join(source, 'docs', 'notes.txt'), Array.from({ length: 2000 }, (_, i) => `line ${i} of the notes\n`).join(''));
  const made = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'www', '--iterations', '5');
  assert.equal(made.exitCode, 0, made.stderr);
  return { source, target };
}

/** Every file of the target with its checksum. */
async function contentsOf(target: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of (await readdir(target)).sort()) out[entry] = await sha256OfFile(join(target, entry));
  return out;
}

test('a lock held by another host is BACKUP_LOCK_FOREIGN_HOST: the run is refused, the lock and the series are left alone', async (t) => {
  const dir = await makeTempDir('backup-foreign-lock');
  t.after(() => dir.remove());
  const { source, target } = await oneArchive(dir.path);
  // Another backup node mounted the same target and is running the series right now: this host
  // cannot tell whether that process lives.
  const lock = `${JSON.stringify({ pid: 4242, host: 'backup-02.example', startedAt: '2026-12-02T03:30:00.000Z', processStart: null, token: 'theirs' })}\n`;
  await writeFile(join(target, 'www.lock'), lock);
  const before = await contentsOf(target);

  const run = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'www', '--iterations', '5');
  assert.equal(run.exitCode, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /error BACKUP_LOCK_FOREIGN_HOST: another run holds the lock: pid 4242 on backup-02\.example since 2026-12-02T03:30:00\.000Z/);
  assert.match(run.stderr, /www\.lock only if that process is certainly gone/);
  assert.doesNotMatch(run.stderr, STACK_TRACE);
  const after = await contentsOf(target);
  // The run's own log line is the one thing a refused run adds.
  delete after['www.log.jsonl'];
  delete before['www.log.jsonl'];
  assert.deepEqual(after, before, 'no archive 2, the index and the foreign lock untouched');
  assert.equal(await readFile(join(target, 'www.lock'), 'utf8'), lock);
  const series = (await listJson(target, 'www')).series[0]!;
  assert.equal((series.lock as { liveness?: string } | null)?.liveness, 'unknown');
  assert.equal(series.currentIndex, 1);
});

test('an archive whose checksum matches but that tar cannot read to its end is BACKUP_VERIFY_UNREADABLE', async (t) => {
  const dir = await makeTempDir('backup-unreadable');
  t.after(() => dir.remove());
  const { target } = await oneArchive(dir.path);
  const archivePath = join(target, 'www-1.tar.gz');
  const whole = await readFile(archivePath);
  // The archive was cut short before pytin checksummed it (a failing controller acknowledging
  // writes it never made): the index then records the damaged bytes' size and checksum.
  const damaged = whole.subarray(0, Math.floor(whole.length / 2));
  await writeFile(archivePath, damaged);
  const indexPath = join(target, 'www.index.json');
  const index = JSON.parse(await readFile(indexPath, 'utf8')) as { archives: Array<{ index: number; sizeBytes: number; sha256: string }> };
  const record = index.archives.find((a) => a.index === 1)!;
  record.sizeBytes = damaged.length;
  record.sha256 = createHash('sha256').update(damaged).digest('hex');
  await writeFile(indexPath, `${JSON.stringify(index)}\n`);
  const before = await contentsOf(target);

  const verify = await pytin('backup', 'verify', '--target', target, '--name', 'www');
  assert.equal(verify.exitCode, 1, verify.stdout + verify.stderr);
  const said = verify.stdout + verify.stderr;
  assert.match(said, /error BACKUP_VERIFY_UNREADABLE: tar cannot read archive 1 to its end/);
  assert.doesNotMatch(said, /BACKUP_VERIFY_CHECKSUM|BACKUP_VERIFY_SIZE/, 'size and checksum agree with the index');
  assert.match(said, /unexpected end of file|Unexpected EOF/i, "tar's own words are kept");
  assert.deepEqual(await contentsOf(target), before, 'verify changes nothing');
});
