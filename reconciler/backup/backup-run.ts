import { sha256OfFile } from './archive-checksum.js';
import { access, constants, copyFile, mkdir, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve, sep } from 'node:path';
import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { assertNever } from '../../inventory/core/errors.js';
import { acquireLock } from './backup-lock.js';
import { backupDiagnostic, errnoCode, errorMessage, seriesAddress } from './backup-diagnostic.js';
import type { BackupCode } from './backup-codes.js';
import type { BackupRunOptions } from './backup-options.js';
import { compressorProgram, isOnPath, tarCompressionArgs } from './compression.js';
import { fsyncDirectory, fsyncFile } from './durable-fs.js';
import { archiveKind, fullIndexOf, prunedByRun, validateRotationPolicy, type ArchiveKind } from './rotation.js';
import { appendRunLog, type RunResult } from './run-log.js';
import { classifyEntry, SERIES_NAME_PATTERN, seriesFiles, type SeriesFiles } from './series-files.js';
import { commitStateAside, emptyState, loadState, writeStateAside, type ArchiveRecord, type SeriesState } from './series-state.js';
import { runTar, tarMessages, tarVerdict } from './tar-runner.js';

export interface BackupRunResult {
  name: string;
  user: string | null;
  address: string;
  source: string;
  target: string;
  result: RunResult;
  /** The index made (or attempted); null if the run failed before choosing one. */
  index: number | null;
  kind: ArchiveKind | null;
  archive: ArchiveRecord | null;
  pruned: number[];
  durationMs: number;
  diagnostics: Diagnostic[];
}

/** Stops a run with one error diagnostic. */
type Fail = (code: BackupCode, summary: string, detail?: string) => never;

/** Thrown inside a run to stop it with one diagnostic; never escapes runBackup. */
class RunStop extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.summary);
  }
}

/** Makes one archive of a series.
 *
 * Invariant (the old tool's bugs): nothing of the committed series changes until the new archive
 * is complete and flushed. tar writes to a temporary archive against a COPY of the snapshot
 * file; both are fsynced and renamed into place; only then is the index file rewritten (the single
 * commit point, atomic); only after that are old archives pruned. A failure at any step before
 * the commit leaves the previous index, snapshot and archives as they were, and the next run
 * makes the same index again. Never throws for anything an operator can cause. */
export async function runBackup(options: BackupRunOptions): Promise<BackupRunResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const address = seriesAddress(options.name, options.user);
  const diagnostics: Diagnostic[] = [];
  const outcome = {
    index: null as number | null,
    kind: null as ArchiveKind | null,
    archive: null as ArchiveRecord | null,
    pruned: [] as number[],
  };
  const fail: Fail = (code, summary, detail) => {
    throw new RunStop(backupDiagnostic('error', code, summary, address, detail));
  };
  let files: SeriesFiles | undefined;
  let release: (() => Promise<void>) | undefined;
  try {
    if (!SERIES_NAME_PATTERN.test(options.name)) fail('BACKUP_BAD_NAME', `series name "${options.name}" may only hold letters, digits, ".", "_" and "-"`);
    const policyProblem = validateRotationPolicy(options);
    if (policyProblem) fail('BACKUP_BAD_POLICY', policyProblem);
    const target = resolve(options.target);
    await prepareTarget(target, fail);
    files = seriesFiles(target, options.name);

    // Checking the source needs no lock: it runs while the lock is taken, and its verdict is
    // only acted on once the lock is settled (a held lock is the more useful message).
    const [lock, sourceCheck] = await Promise.all([
      acquireLock(files.lock),
      checkSource(options, target, fail).then(
        (path) => ({ ok: true as const, path }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    ]);
    if (lock.status === 'held') {
      const { holder, liveness } = lock;
      fail(
        liveness === 'unknown' && holder.host !== hostname() ? 'BACKUP_LOCK_FOREIGN_HOST' : 'BACKUP_LOCK_HELD',
        `another run holds the lock: pid ${holder.pid} on ${holder.host} since ${holder.startedAt}`,
        liveness === 'unknown' ? `remove ${files.lock} only if that process is certainly gone` : undefined,
      );
    }
    release = lock.release;
    if (lock.tookOverFrom) {
      const old = lock.tookOverFrom;
      diagnostics.push(
        backupDiagnostic('warning', 'BACKUP_LOCK_STALE', old.torn
          ? `took over an empty or unreadable lock last written ${old.startedAt} (left by a crash)`
          : `took over a stale lock of pid ${old.pid} on ${old.host} (started ${old.startedAt}), which no longer runs`, address),
      );
    }

    if (!sourceCheck.ok) throw sourceCheck.error;
    const source = sourceCheck.path;
    const [state] = await Promise.all([loadSeriesState(files, options, fail), removeLeftovers(files)]);

    const index = state.currentIndex + 1;
    const kind = archiveKind(index, options.iterations);
    outcome.index = index;
    outcome.kind = kind;
    let committed: SeriesState;
    const partialArchive = files.partialArchive(index, options.compression);
    const partialSnapshot = files.partialSnapshot(index);
    try {
      if (kind === 'incremental') {
        // tar rewrites the snapshot it is given: it must only ever see a copy.
        await copyFile(files.snapshot(state.currentIndex), partialSnapshot).catch((error: unknown) =>
          errnoCode(error) === 'ENOENT'
            ? fail('BACKUP_SNAPSHOT_MISSING', `the snapshot ${files!.snapshot(state.currentIndex)} of index ${state.currentIndex} is gone`, 'restore it, or start a new series (another --name or an empty target)')
            : Promise.reject(error),
        );
      }
      const tar = await runTar(createArgs(options, source, partialArchive, partialSnapshot), { onStarted: options.hooks?.onTarStarted });
      const verdict = tarVerdict(tar);
      const messages = tarMessages(tar.stderr).join('\n');
      switch (verdict) {
        case 'ok':
          break;
        case 'files-changed':
          diagnostics.push(backupDiagnostic('warning', 'BACKUP_FILES_CHANGED', `some files changed while tar read them; archive ${index} is valid and the next run picks the changes up`, address, messages));
          break;
        case 'failed':
          if (/No space left on device|Disk quota exceeded/.test(tar.stderr)) fail('BACKUP_DISK_FULL', `the target ${target} is full; archive ${index} was not made and nothing was advanced`, messages);
          fail('BACKUP_TAR_FAILED', `tar failed with exit status ${tar.exitStatus}; archive ${index} was not made and nothing was advanced`, messages);
          break;
        case 'killed':
          fail('BACKUP_TAR_KILLED', `tar was killed by ${tar.signal}; archive ${index} was not made and nothing was advanced`, messages);
          break;
        case 'not-started':
          fail('BACKUP_TAR_NOT_FOUND', `GNU tar could not be started: ${tar.spawnError}`);
          break;
        default:
          assertNever(verdict, 'tar verdict');
      }
      const record = await commitArchive(files, options, state, { index, kind, partialArchive, partialSnapshot, tarExitStatus: verdict === 'files-changed' ? 1 : 0 });
      outcome.archive = record.archive;
      outcome.pruned = record.pruned;
      committed = record.state;
    } catch (error) {
      await unlink(partialArchive).catch(() => undefined);
      await unlink(partialSnapshot).catch(() => undefined);
      await unlink(files.partialState).catch(() => undefined);
      throw error;
    }
    diagnostics.push(...(await pruneFiles(files, committed, outcome.pruned, address)));
  } catch (error) {
    diagnostics.push(error instanceof RunStop ? error.diagnostic : fileSystemFailure(error, address, outcome.index));
  } finally {
    const result = resultOf(diagnostics);
    if (files) {
      await appendRunLog(files.log, {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        durationMs: Math.round(performance.now() - t0),
        index: outcome.index,
        kind: outcome.kind,
        result,
        bytes: outcome.archive?.sizeBytes ?? null,
        sha256: outcome.archive?.sha256 ?? null,
        pruned: outcome.pruned,
        warnings: diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.code}: ${d.summary}`),
        errors: diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.summary}`),
        pid: process.pid,
        host: hostname(),
      }).catch((error: unknown) => diagnostics.push(backupDiagnostic('warning', 'BACKUP_LOG_FAILED', `the run log ${files!.log} could not be appended: ${errorMessage(error)}`, address)));
    }
    await release?.();
  }
  const result = resultOf(diagnostics);
  return {
    name: options.name,
    user: options.user ?? null,
    address,
    source: options.source,
    target: options.target,
    result,
    index: outcome.index,
    kind: outcome.kind,
    archive: result === 'failed' ? null : outcome.archive,
    pruned: result === 'failed' ? [] : outcome.pruned,
    durationMs: Math.round(performance.now() - t0),
    diagnostics,
  };
}

/** Any error fails the run; warnings alone still make a valid archive. */
function resultOf(diagnostics: readonly Diagnostic[]): RunResult {
  if (diagnostics.some((d) => d.severity === 'error')) return 'failed';
  return diagnostics.length > 0 ? 'warning' : 'success';
}

function createArgs(options: BackupRunOptions, source: string, archive: string, snapshot: string): string[] {
  return [
    '--create',
    `--file=${archive}`,
    `--listed-incremental=${snapshot}`,
    // Device numbers change across reboots (and LVM or NFS remounts); without this every
    // renumbering makes tar treat all directories as new, i.e. a silent full backup.
    '--no-check-device',
    ...tarCompressionArgs(options.compression),
    ...(options.excludeFrom !== undefined ? [`--exclude-from=${options.excludeFrom}`] : []),
    ...(options.excludePatterns ?? []).map((pattern) => `--exclude=${pattern}`),
    `--directory=${source}`,
    '.',
  ];
}

async function prepareTarget(target: string, fail: Fail): Promise<void> {
  try {
    await mkdir(target, { recursive: true });
    const info = await stat(target);
    if (!info.isDirectory()) fail('BACKUP_TARGET_UNWRITABLE', `the target ${target} is not a directory`);
    await access(target, constants.W_OK | constants.X_OK);
  } catch (error) {
    if (error instanceof RunStop) throw error;
    const code = errnoCode(error);
    if (code === 'ENOSPC' || code === 'EDQUOT') fail('BACKUP_DISK_FULL', `the target ${target} cannot be created: the file system is full`);
    fail('BACKUP_TARGET_UNWRITABLE', `the target ${target} cannot be created or written (${code ?? errorMessage(error)})`);
  }
}

async function checkSource(options: BackupRunOptions, target: string, fail: Fail): Promise<string> {
  const source = resolve(options.source);
  let real: string;
  try {
    real = await realpath(source);
    const info = await stat(real);
    if (!info.isDirectory()) fail('BACKUP_SOURCE_NOT_DIRECTORY', `the source ${source} is not a directory`);
    await access(real, constants.R_OK | constants.X_OK);
  } catch (error) {
    if (error instanceof RunStop) throw error;
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') fail('BACKUP_SOURCE_MISSING', `the source ${source} does not exist`);
    fail('BACKUP_SOURCE_UNREADABLE', `the source ${source} cannot be read (${code ?? errorMessage(error)})`);
  }
  const realTarget = await realpath(target);
  if (realTarget === real || realTarget.startsWith(real + sep)) {
    fail('BACKUP_TARGET_INSIDE_SOURCE', `the target ${target} is inside the source ${source}`, 'choose a target outside the source tree');
  }
  if (options.excludeFrom !== undefined) {
    await access(options.excludeFrom, constants.R_OK).catch(() => fail('BACKUP_EXCLUDE_FILE_MISSING', `the exclude file ${options.excludeFrom} cannot be read`));
  }
  const program = compressorProgram(options.compression);
  if (!(await isOnPath(program))) fail('BACKUP_COMPRESSOR_MISSING', `--compress ${options.compression} needs ${program}, which is not installed`);
  return real;
}

async function loadSeriesState(files: SeriesFiles, options: BackupRunOptions, fail: Fail): Promise<SeriesState> {
  const loaded = await loadState(files);
  switch (loaded.status) {
    case 'absent': {
      // Starting again at index 1 would overwrite archive 1 of a series whose index was lost.
      const existing = (await readdir(files.target)).filter((entry) => classifyEntry(files.name, entry)?.role === 'archive');
      if (existing.length > 0) {
        fail('BACKUP_STATE_MISSING', `${files.state} is missing but archives of the series exist (${existing.sort().slice(0, 5).join(', ')}${existing.length > 5 ? ', ...' : ''})`, 'move them away or use another --name');
      }
      return emptyState(options.name, options.iterations, options.keepSequences);
    }
    case 'corrupt':
      return fail('BACKUP_STATE_CORRUPT', `the series index ${files.state} cannot be read: ${loaded.reason}`);
    case 'ok':
      if (loaded.state.iterations !== options.iterations) {
        fail('BACKUP_ITERATIONS_CHANGED', `the series was made with --iterations ${loaded.state.iterations}, not ${options.iterations}`, 'keep the value, or start a new series (another --name or target)');
      }
      return loaded.state;
    default:
      return assertNever(loaded, 'state status');
  }
}

/** Removes the temporary files a crashed or killed run left. Runs under the series lock. */
async function removeLeftovers(files: SeriesFiles): Promise<void> {
  for (const entry of await readdir(files.target)) {
    if (classifyEntry(files.name, entry)?.role === 'partial') await unlink(`${files.target}/${entry}`).catch(() => undefined);
  }
}

interface CommitInput {
  index: number;
  kind: ArchiveKind;
  partialArchive: string;
  partialSnapshot: string;
  tarExitStatus: 0 | 1;
}

/** Makes archive `index` durable and commits it in the index file. */
async function commitArchive(files: SeriesFiles, options: BackupRunOptions, state: SeriesState, input: CommitInput): Promise<{ archive: ArchiveRecord; pruned: number[]; state: SeriesState }> {
  const finalArchive = files.archive(input.index, options.compression);
  // The new index file is written aside (and flushed) while the archive and snapshot are being
  // flushed: it only takes effect by its rename, which comes after theirs.
  const describe = async (): Promise<{ archive: ArchiveRecord; pruned: number[]; state: SeriesState }> => {
    const [sha256, info] = await Promise.all([sha256OfFile(input.partialArchive), stat(input.partialArchive)]);
    const archive: ArchiveRecord = {
      index: input.index,
      kind: input.kind,
      fullIndex: fullIndexOf(input.index, options.iterations),
      file: finalArchive.slice(files.target.length + 1),
      compression: options.compression,
      sizeBytes: info.size,
      sha256,
      createdAt: new Date().toISOString(),
      tarExitStatus: input.tarExitStatus,
    };
    const archives = [...state.archives.filter((a) => a.index !== input.index), archive];
    const pruned = prunedByRun(input.index, archives.map((a) => a.index), options);
    const committed: SeriesState = {
      version: 1,
      name: options.name,
      iterations: options.iterations,
      keepSequences: options.keepSequences,
      currentIndex: input.index,
      archives: archives.filter((a) => !pruned.includes(a.index)).sort((a, b) => a.index - b.index),
    };
    await writeStateAside(files, committed);
    return { archive, pruned, state: committed };
  };
  const [described] = await Promise.all([describe(), fsyncFile(input.partialArchive), fsyncFile(input.partialSnapshot)]);
  await Promise.all([rename(input.partialArchive, finalArchive), rename(input.partialSnapshot, files.snapshot(input.index))]);
  await fsyncDirectory(files.target);
  // The commit point: before this rename the series is at index - 1, after it at index.
  await commitStateAside(files);
  return described;
}

/** After the commit: removes the archives the rotation dropped, any archive the index does not
 * list (left by a run that crashed after its rename but before its commit, or by an interrupted
 * prune), and every snapshot but the current one. Failures here are warnings: the series is
 * consistent, and the next run retries. */
async function pruneFiles(files: SeriesFiles, state: SeriesState, pruned: readonly number[], address: string): Promise<Diagnostic[]> {
  const listed = new Set(state.archives.map((a) => a.file));
  const problems: Diagnostic[] = [];
  for (const entry of await readdir(files.target)) {
    const role = classifyEntry(files.name, entry);
    const stale =
      (role?.role === 'archive' && !listed.has(entry)) || (role?.role === 'snapshot' && role.index !== state.currentIndex);
    if (!stale) continue;
    try {
      await unlink(`${files.target}/${entry}`);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') {
        problems.push(backupDiagnostic('warning', 'BACKUP_PRUNE_FAILED', `${entry} could not be removed${pruned.length ? ' during rotation' : ''}: ${errorMessage(error)}`, address));
      }
    }
  }
  return problems;
}

/** An fs error during a run, as a diagnostic an operator can act on. */
function fileSystemFailure(error: unknown, address: string, index: number | null): Diagnostic {
  const code = errnoCode(error);
  const what = index === null ? 'the run' : `archive ${index}`;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return backupDiagnostic('error', 'BACKUP_DISK_FULL', `the target file system is full; ${what} was not committed and nothing was advanced`, address, errorMessage(error));
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return backupDiagnostic('error', 'BACKUP_TARGET_UNWRITABLE', `the target cannot be written; ${what} was not committed`, address, errorMessage(error));
  }
  if (code !== undefined) return backupDiagnostic('error', 'BACKUP_WRITE_FAILED', `${what} failed: ${errorMessage(error)}`, address);
  throw error;
}
