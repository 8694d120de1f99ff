/** `npm run bench:backup`: pytin's backup engine against plain GNU tar on the same tree, in the
 * same run. pytin is timed in-process (runBackup / restoreBackup, which include spawning tar,
 * locking, fsync, sha256, the index commit and pruning); plain tar is timed as the whole tar
 * process, spawned from the same Node process. Node's own start-up (about 50 ms) is printed
 * separately for the CLI, since cron pays it once per run.
 *
 * Default profile (issue 14): a tree of 200,000 files built once; one full run each; then
 * BENCH_REPS incremental runs with 1% of the files changed before each, pytin against plain
 * `tar --listed-incremental` (gzip), alternating which goes first. pytin's fixed cost per run (all
 * but tar: lock, snapshot copy, fsyncs, checksum, index, pruning, log) is reported apart, both
 * within those runs (pytin's time minus its tar's) and on a one-file tree.
 * BENCH_PROFILE=compressions: the earlier bench (full, incremental and restore with gzip, zstd and
 * pigz on BENCH_FILES, default 20,000).
 *
 * Env: BENCH_PROFILE, BENCH_FILES (default 200000, or 20000 for compressions), BENCH_REPS (default
 * 6), BENCH_DIR (default the OS temp dir). */
import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { restoreBackup } from '../../reconciler/backup/backup-restore.js';
import { type Compression, tarCompressionArgs } from '../../reconciler/backup/compression.js';
import { runBackup } from '../../reconciler/backup/run/backup-run.js';

const PROFILE = process.env.BENCH_PROFILE ?? 'incremental';
const FILES = Number(process.env.BENCH_FILES ?? (PROFILE === 'compressions' ? 20000 : 200000));
// Even, so that each side goes first equally often.
const REPS = Number(process.env.BENCH_REPS ?? 6);
const FILES_PER_DIR = 100;

/** A small deterministic generator, so every bench run backs up the same tree. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS =
  'the quick brown fox jumps over lazy dog backup archive tar gzip index sequence rotation server rack switch port vlan address pool tenant billing invoice mail user home config log error warning'.split(
    ' ',
  );

/** Text-like content (compresses about 3-4x, like source code and mail) of 256 B to 8 KiB. */
function content(random: () => number): string {
  const size = 256 + Math.floor(random() * random() * 8000);
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const word = random() < 0.1 ? Math.floor(random() * 1e6).toString(36) : WORDS[Math.floor(random() * WORDS.length)]!;
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(random() < 0.5 ? ' ' : '\n');
}

async function generateTree(root: string, files = FILES): Promise<number> {
  const random = prng(42);
  let bytes = 0;
  // One directory (100 files) at a time, its files written together.
  for (let first = 0; first < files; first += FILES_PER_DIR) {
    const dir = join(root, `d${Math.floor(first / FILES_PER_DIR / 10)}`, `sub${Math.floor(first / FILES_PER_DIR)}`);
    await mkdir(dir, { recursive: true });
    const writes: Array<Promise<void>> = [];
    for (let i = first; i < Math.min(files, first + FILES_PER_DIR); i++) {
      const text = content(random);
      bytes += text.length;
      writes.push(writeFile(join(dir, `file-${i}.txt`), text));
    }
    await Promise.all(writes);
  }
  return bytes;
}

/** 1% of the files changed between two incremental runs: appended to, so tar sees a new size and
 * mtime (some picks repeat: at most 1%). */
async function changeOnePercent(root: string, round: number): Promise<void> {
  const random = prng(5000 + round);
  const writes: Array<Promise<void>> = [];
  for (let k = 0; k < FILES / 100; k++) {
    const i = Math.floor(random() * FILES);
    writes.push(appendFile(join(root, `d${Math.floor(i / FILES_PER_DIR / 10)}`, `sub${Math.floor(i / FILES_PER_DIR)}`, `file-${i}.txt`), content(random)));
    if (writes.length >= 100) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
}

/** Changes between two incremental runs: 200 files modified, 50 added, 20 deleted. */
async function changeTree(root: string, round: number): Promise<void> {
  const random = prng(1000 + round);
  for (let k = 0; k < 200; k++) {
    const i = Math.floor(random() * FILES);
    await appendFile(join(root, `d${Math.floor(i / FILES_PER_DIR / 10)}`, `sub${Math.floor(i / FILES_PER_DIR)}`, `file-${i}.txt`), content(random)).catch(
      () => undefined,
    );
  }
  for (let k = 0; k < 50; k++) await writeFile(join(root, 'd0', 'sub0', `new-${round}-${k}.txt`), content(random));
  for (let k = 0; k < 20; k++) {
    const i = Math.floor(random() * FILES);
    await unlink(join(root, `d${Math.floor(i / FILES_PER_DIR / 10)}`, `sub${Math.floor(i / FILES_PER_DIR)}`, `file-${i}.txt`)).catch(() => undefined);
  }
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

/** Times `action` after flushing pending writes (untimed), so that neither side pays for the
 * write-back of what the other just wrote. */
async function timed(action: () => Promise<unknown>): Promise<number> {
  await run('sync', []);
  const t0 = performance.now();
  await action();
  return (performance.now() - t0) / 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Row {
  what: string;
  pytin: number[];
  plain: number[];
}

const rows: Row[] = [];
const sizes: string[] = [];

function plainCreate(compression: Compression, archive: string, snapshot: string, source: string): string[] {
  return ['--create', ...tarCompressionArgs(compression), `--file=${archive}`, `--listed-incremental=${snapshot}`, `--directory=${source}`, '.'];
}

/** Full runs, then REPS incrementals, then REPS restores of the last index, for one compression. */
async function benchCompression(work: string, source: string, compression: Compression, reps: number): Promise<void> {
  const ext = compression === 'zstd' ? 'tar.zst' : 'tar.gz';
  const full: Row = { what: `full ${compression}`, pytin: [], plain: [] };
  let pytinTarget = '';
  let plainDir = '';
  for (let rep = 0; rep < reps; rep++) {
    pytinTarget = join(work, `${compression}-pytin-${rep}`);
    plainDir = join(work, `${compression}-plain-${rep}`);
    await mkdir(plainDir);
    const doPytin = async () => {
      const result = await runBackup({ source, target: pytinTarget, name: 'bench', iterations: 1000, keepSequences: 1, compression });
      if (result.result !== 'success') throw new Error(JSON.stringify(result.diagnostics));
    };
    const doPlain = () => run('tar', plainCreate(compression, join(plainDir, `plain-1.${ext}`), join(plainDir, 'plain.snar'), source));
    // Alternate which goes first, so neither always gets the warmer cache.
    if (rep % 2 === 0) {
      full.pytin.push(await timed(doPytin));
      full.plain.push(await timed(doPlain));
    } else {
      full.plain.push(await timed(doPlain));
      full.pytin.push(await timed(doPytin));
    }
  }
  rows.push(full);
  sizes.push(
    `${compression}: full archive ${((await stat(join(pytinTarget, `bench-1.${ext}`))).size / 2 ** 20).toFixed(1)} MiB (plain tar ${((await stat(join(plainDir, `plain-1.${ext}`))).size / 2 ** 20).toFixed(1)} MiB)`,
  );

  const incremental: Row = { what: `incremental ${compression}`, pytin: [], plain: [] };
  for (let rep = 0; rep < reps; rep++) {
    await changeTree(source, rep + (compression === 'gzip' ? 0 : compression === 'zstd' ? 100 : 200));
    const doPytin = async () => {
      const result = await runBackup({ source, target: pytinTarget, name: 'bench', iterations: 1000, keepSequences: 1, compression });
      if (result.result !== 'success') throw new Error(JSON.stringify(result.diagnostics));
    };
    const doPlain = () => run('tar', plainCreate(compression, join(plainDir, `plain-${rep + 2}.${ext}`), join(plainDir, 'plain.snar'), source));
    if (rep % 2 === 0) {
      incremental.pytin.push(await timed(doPytin));
      incremental.plain.push(await timed(doPlain));
    } else {
      incremental.plain.push(await timed(doPlain));
      incremental.pytin.push(await timed(doPytin));
    }
  }
  rows.push(incremental);

  const lastIndex = reps + 1;
  const restore: Row = { what: `restore ${compression} (full + ${reps} incr.)`, pytin: [], plain: [] };
  for (let rep = 0; rep < reps; rep++) {
    // Fresh directories, removed only at the end: on a file system mounted with online discard
    // the first writes after a large delete stall, which would bias whichever side came first.
    const pytinTo = join(work, `${compression}-restore-pytin-${rep}`);
    const plainTo = join(work, `${compression}-restore-plain-${rep}`);
    const doPytin = async () => {
      const result = await restoreBackup({ target: pytinTarget, name: 'bench', index: lastIndex, to: pytinTo, force: false });
      if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    };
    const doPlain = async () => {
      await mkdir(plainTo);
      for (let i = 1; i <= lastIndex; i++) {
        await run('tar', [
          '--extract',
          ...tarCompressionArgs(compression),
          `--file=${join(plainDir, `plain-${i}.${ext}`)}`,
          '--listed-incremental=/dev/null',
          `--directory=${plainTo}`,
        ]);
      }
    };
    if (rep % 2 === 0) {
      restore.pytin.push(await timed(doPytin));
      restore.plain.push(await timed(doPlain));
    } else {
      restore.plain.push(await timed(doPlain));
      restore.pytin.push(await timed(doPytin));
    }
  }
  rows.push(restore);
}

async function nodeStartup(reps: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push(await timed(() => run(process.execPath, ['dist/reconciler/cli/pytin.js', '--help'])));
  return median(times);
}

/** pytin's runBackup, timed as a whole and its tar apart (the hooks around tar). */
async function pytinRun(source: string, target: string): Promise<{ seconds: number; tarSeconds: number }> {
  let tarStarted = 0;
  let tarFinished = 0;
  const seconds = await timed(async () => {
    const result = await runBackup({
      source,
      target,
      name: 'bench',
      iterations: 1000,
      keepSequences: 1,
      compression: 'gzip',
      hooks: { onTarStarted: () => (tarStarted = performance.now()), onTarFinished: () => (tarFinished = performance.now()) },
    });
    if (result.result !== 'success') throw new Error(JSON.stringify(result.diagnostics));
  });
  return { seconds, tarSeconds: (tarFinished - tarStarted) / 1000 };
}

async function incrementalProfile(work: string): Promise<void> {
  const source = join(work, 'source');
  const t0 = performance.now();
  const bytes = await generateTree(source);
  console.log(
    `tree: ${FILES} files, ${(bytes / 2 ** 20).toFixed(1)} MiB (built once, in ${((performance.now() - t0) / 1000).toFixed(1)} s); work directory ${work}`,
  );
  const pytinTarget = join(work, 'pytin');
  const plainDir = join(work, 'plain');
  await mkdir(plainDir);
  const plain = (n: number) => run('tar', plainCreate('gzip', join(plainDir, `plain-${n}.tar.gz`), join(plainDir, 'plain.snar'), source));
  // The full archives both series start from, once each (timed for scale only).
  const fullPytin = await pytinRun(source, pytinTarget);
  const fullPlain = await timed(() => plain(1));
  console.log(
    `full run (once each, gzip): pytin ${fullPytin.seconds.toFixed(2)} s (its tar ${fullPytin.tarSeconds.toFixed(2)} s), plain tar ${fullPlain.toFixed(2)} s`,
  );
  const pytinTimes: number[] = [];
  const plainTimes: number[] = [];
  const fixed: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    await changeOnePercent(source, rep);
    const doPytin = async () => {
      const r = await pytinRun(source, pytinTarget);
      pytinTimes.push(r.seconds);
      fixed.push(r.seconds - r.tarSeconds);
    };
    const doPlain = async () => void plainTimes.push(await timed(() => plain(rep + 2)));
    for (const side of rep % 2 === 0 ? [doPytin, doPlain] : [doPlain, doPytin]) await side();
  }
  // The fixed cost on a tree of one file: nearly all of a run is then pytin's own work.
  const tiny = join(work, 'tiny');
  await generateTree(tiny, 1);
  const tinyPytin: number[] = [];
  const tinyPlain: number[] = [];
  const tinyPlainDir = join(work, 'tiny-plain');
  await mkdir(tinyPlainDir);
  for (let rep = 0; rep < REPS; rep++) {
    tinyPytin.push((await pytinRun(tiny, join(work, 'tiny-pytin'))).seconds);
    tinyPlain.push(await timed(() => run('tar', plainCreate('gzip', join(tinyPlainDir, `t-${rep}.tar.gz`), join(tinyPlainDir, 't.snar'), tiny))));
  }
  const [p, q] = [median(pytinTimes), median(plainTimes)];
  console.log(`\nincremental runs, ${FILES / 100} files (1%) changed before each, gzip, median of ${REPS}, alternating which goes first:`);
  console.log(`  pytin (runBackup, in-process)            ${p.toFixed(3)} s`);
  console.log(`  plain tar --listed-incremental -z        ${q.toFixed(3)} s`);
  console.log(`  ratio                                    ${(p / q).toFixed(3)}x (goal <= 1.05x: ${p / q <= 1.05 ? 'met' : 'NOT met'})`);
  console.log(`  every run (s), pytin | plain: ${pytinTimes.map((v) => v.toFixed(3)).join(' ')} | ${plainTimes.map((v) => v.toFixed(3)).join(' ')}`);
  console.log(`pytin's fixed cost per run (all but tar: lock, snapshot copy, fsyncs, checksum, index, pruning, log):`);
  console.log(`  within the incremental runs above: median ${median(fixed).toFixed(3)} s (${fixed.map((v) => v.toFixed(3)).join(' ')})`);
  console.log(
    `  on a one-file tree: pytin ${median(tinyPytin).toFixed(3)} s against plain tar ${median(tinyPlain).toFixed(3)} s: ${(median(tinyPytin) - median(tinyPlain)).toFixed(3)} s`,
  );
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

async function compressionsProfile(work: string): Promise<void> {
  const source = join(work, 'source');
  const t0 = performance.now();
  const bytes = await generateTree(source);
  const dirs = (await readdir(source)).length;
  console.log(
    `tree: ${FILES} files in ${dirs * 10} directories, ${(bytes / 2 ** 20).toFixed(1)} MiB (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  console.log(`work directory: ${work}; repetitions: ${REPS} per figure, alternating which side goes first`);
  console.log('ratio = pytin / plain tar (goal <= 1.05)\n');
  // One untimed full run warms the page cache for everything that follows.
  await run('tar', ['--create', '--file=/dev/null', `--directory=${source}`, '.']);
  for (const compression of ['gzip', 'zstd', 'pigz'] as const) await benchCompression(work, source, compression, REPS);

  const width = Math.max(...rows.map((r) => r.what.length));
  // On a shared machine the median can still carry other load; the minimum is each side's cost
  // with the least interference, so both are shown.
  console.log(`${'operation'.padEnd(width)}  pytin med.  plain med.  ratio   pytin min  plain min  ratio`);
  for (const row of rows) {
    const [p, q] = [median(row.pytin), median(row.plain)];
    const [pm, qm] = [Math.min(...row.pytin), Math.min(...row.plain)];
    console.log(
      `${row.what.padEnd(width)}  ${p.toFixed(3).padStart(8)} s  ${q.toFixed(3).padStart(8)} s  ${(p / q).toFixed(3)}x  ${pm.toFixed(3).padStart(7)} s  ${qm.toFixed(3).padStart(7)} s  ${(pm / qm).toFixed(3)}x`,
    );
  }
  console.log('\nevery repetition (s), pytin | plain:');
  for (const row of rows)
    console.log(`  ${row.what.padEnd(width)}  ${row.pytin.map((v) => v.toFixed(3)).join(' ')} | ${row.plain.map((v) => v.toFixed(3)).join(' ')}`);
  const gzipFull = median(rows.find((r) => r.what === 'full gzip')!.plain);
  console.log('\nagainst plain tar with gzip (the old format):');
  for (const row of rows.filter((r) => !r.what.includes('gzip') && r.what.startsWith('full'))) {
    console.log(`  pytin ${row.what}: ${(median(row.pytin) / gzipFull).toFixed(2)}x the time of plain tar -czf`);
  }
  console.log(`\narchive sizes:\n  ${sizes.join('\n  ')}`);
  console.log(`\nnode start-up of the pytin CLI (paid once per cron run, not in the figures above): ${(await nodeStartup(REPS)).toFixed(3)} s`);
}

const work = await mkdtemp(join(process.env.BENCH_DIR ?? tmpdir(), 'pytin-bench-backup-'));
try {
  if (PROFILE === 'compressions') await compressionsProfile(work);
  else await incrementalProfile(work);
} finally {
  await rm(work, { recursive: true, force: true });
}
