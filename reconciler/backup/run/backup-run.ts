import { createHash } from 'node:crypto';
import { type FileHandle, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { assertNever } from '../../../inventory/core/errors.js';
import { backupDiagnostic, errnoCode, errorMessage, seriesAddress } from '../backup-diagnostic.js';
import type { BackupRunOptions } from '../backup-options.js';
import { tarCompressionArgs } from '../compression.js';
import { createExclusiveFile, openRegularFile, UnsafeFileError } from '../fs/safe-fs.js';
import { acquireLock } from '../series/backup-lock.js';
import { type ArchiveKind, archiveKind, validateRotationPolicy } from '../series/rotation.js';
import { isSeriesName, isUserName, newRunToken, type SeriesFiles, seriesFiles, temporaryFiles } from '../series/series-files.js';
import { SERIES_NAME_RULE, USER_NAME_RULE } from '../series/series-location.js';
import type { ArchiveRecord, SeriesState } from '../series/series-state.js';
import { commitArchive, pruneFiles } from './archive-commit.js';
import { recoverEarlierRun } from './crash-recovery.js';
import { appendRunLog, type RunResult } from './run-log.js';
import { checkNamesFree, checkSource, loadSeriesState, prepareTarget } from './run-preconditions.js';
import { type Fail, RunStop } from './run-stop.js';
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

/** Makes one archive of a series.
 *
 * Invariant (the old tool's bugs): nothing of the committed series changes until the new archive
 * is complete and flushed. tar writes to a temporary archive against a COPY of the snapshot
 * file; both are fsynced and linked into place; only then is the index file rewritten (the single
 * commit point, atomic); only after that are old archives pruned. A failure at any step before
 * the commit leaves the previous index, snapshot and archives as they were, and the next run
 * makes the same index again. Never throws for anything an operator can cause.
 *
 * Invariant (ownership): a run creates files only under names nothing else holds (O_EXCL, link),
 * 0600, and folders 0700; it opens no file of the target through a symbolic link; it removes only
 * its own temporary files, those of the dead run whose lock it took over, and what the index
 * records (see crash-recovery.ts, archive-commit.ts). */
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
    if (!isSeriesName(options.name)) fail('BACKUP_BAD_NAME', `series name ${JSON.stringify(options.name)} ${SERIES_NAME_RULE}`);
    if (options.user !== undefined && !isUserName(options.user)) fail('BACKUP_BAD_USER', `user name ${JSON.stringify(options.user)} ${USER_NAME_RULE}`);
    const policyProblem = validateRotationPolicy(options);
    if (policyProblem) fail('BACKUP_BAD_POLICY', policyProblem);
    const target = resolve(options.target);
    await prepareTarget(target, fail);
    files = seriesFiles(target, options.name);
    const token = newRunToken();
    const temporary = temporaryFiles(files, token);

    // Checking the source needs no lock: it runs while the lock is taken, and its verdict is
    // only acted on once the lock is settled (a held lock is the more useful message).
    const [lock, sourceCheck] = await Promise.all([
      acquireLock(files.lock, temporary.lock, token).catch((error: unknown) =>
        error instanceof UnsafeFileError
          ? fail('BACKUP_UNSAFE_FILE', `the lock ${error.message}`, 'remove it if no run of the series is in progress')
          : Promise.reject(error),
      ),
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
        backupDiagnostic(
          'warning',
          'BACKUP_LOCK_STALE',
          old.torn
            ? `took over an empty or unreadable lock last written ${old.startedAt} (left by a crash)`
            : `took over a stale lock of pid ${old.pid} on ${old.host} (started ${old.startedAt}), which no longer runs`,
          address,
        ),
      );
    }

    if (!sourceCheck.ok) throw sourceCheck.error;
    const source = sourceCheck.path;
    const state = await loadSeriesState(files, options, fail);
    const recovery = await recoverEarlierRun(files, state, lock.tookOverFrom?.token ?? null, address);
    diagnostics.push(...recovery.diagnostics);

    const index = state.currentIndex + 1;
    const kind = archiveKind(index, options.iterations);
    outcome.index = index;
    outcome.kind = kind;
    await checkNamesFree(files, index, options.compression, fail);
    let committed: SeriesState;
    // The temporary files this run created: only those are removed if it fails.
    const made: Array<{ path: string; handle: FileHandle }> = [];
    const create = async (path: string): Promise<FileHandle> => {
      const handle = await createExclusiveFile(path);
      made.push({ path, handle });
      return handle;
    };
    try {
      // tar gets descriptors, never names: it cannot be made to write through a link planted in
      // the target, and what it writes is 0600 from the first byte.
      const archive = await create(temporary.archive(index, options.compression));
      const snapshot = await create(temporary.snapshot(index));
      // tar rewrites the snapshot it is given: it only ever sees a copy. A full archive starts
      // from an empty snapshot, which tar reads as "nothing dumped yet".
      if (kind === 'incremental') await copyPreviousSnapshot(files.snapshot(state.currentIndex), state, snapshot, fail);
      const tar = await runTar(createArgs(options, source), { stdout: archive.fd, fd3: snapshot.fd, onStarted: options.hooks?.onTarStarted });
      options.hooks?.onTarFinished?.();
      const verdict = tarVerdict(tar);
      const messages = tarMessages(tar.stderr).join('\n');
      switch (verdict) {
        case 'ok':
          break;
        case 'files-changed':
          diagnostics.push(
            backupDiagnostic(
              'warning',
              'BACKUP_FILES_CHANGED',
              `some files changed while tar read them; archive ${index} is valid and the next run picks the changes up`,
              address,
              messages,
            ),
          );
          break;
        case 'failed':
          if (/No space left on device|Disk quota exceeded/.test(tar.stderr))
            fail('BACKUP_DISK_FULL', `the target ${target} is full; archive ${index} was not made and nothing was advanced`, messages);
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
      const record = await commitArchive(
        files,
        options,
        state,
        { index, kind, archive, snapshot, temporary, carried: recovery.carried, tarExitStatus: verdict === 'files-changed' ? 1 : 0 },
        fail,
        address,
      );
      outcome.archive = record.archive;
      outcome.pruned = record.pruned;
      diagnostics.push(...record.diagnostics);
      committed = record.state;
    } catch (error) {
      for (const { path } of made) await unlink(path).catch(() => undefined);
      throw error;
    } finally {
      for (const { handle } of made) await handle.close().catch(() => undefined);
    }
    diagnostics.push(...(await pruneFiles(files, committed, address)));
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
      }).catch((error: unknown) =>
        diagnostics.push(backupDiagnostic('warning', 'BACKUP_LOG_FAILED', `the run log ${files!.log} could not be appended: ${errorMessage(error)}`, address)),
      );
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

/** Copies the current snapshot into the run's own snapshot file, reading it through a descriptor
 * that refuses a symbolic link (a snapshot swapped for a link to /etc/shadow is not copied
 * anywhere), and checks it is the snapshot the index recorded: tar skips whatever a snapshot says
 * was already dumped, so an altered one would make an increment silently miss changes. */
async function copyPreviousSnapshot(path: string, state: SeriesState, into: FileHandle, fail: Fail): Promise<void> {
  let previous: FileHandle;
  try {
    previous = await openRegularFile(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT')
      fail(
        'BACKUP_SNAPSHOT_MISSING',
        `the snapshot ${path} of index ${state.currentIndex} is gone`,
        'restore it, or start a new series (another --name or an empty target)',
      );
    if (error instanceof UnsafeFileError)
      fail('BACKUP_UNSAFE_FILE', `the snapshot ${error.message}`, 'restore the real snapshot, or start a new series (another --name or an empty target)');
    throw error;
  }
  const hash = createHash('sha256');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let position = 0; ;) {
      const { bytesRead } = await previous.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      await into.write(buffer, 0, bytesRead, position);
      position += bytesRead;
    }
  } finally {
    await previous.close();
  }
  // Index files of older versions record no snapshot checksum: nothing to compare with.
  if (state.snapshotSha256 !== undefined && hash.digest('hex') !== state.snapshotSha256) {
    fail(
      'BACKUP_SNAPSHOT_CHANGED',
      `the snapshot ${path} of index ${state.currentIndex} is not the one recorded (another sha256); an increment made from it could silently miss changes`,
      'restore the real snapshot, or start a new series (another --name or an empty target)',
    );
  }
}

/** Any error fails the run; warnings alone still make a valid archive. */
function resultOf(diagnostics: readonly Diagnostic[]): RunResult {
  if (diagnostics.some((d) => d.severity === 'error')) return 'failed';
  return diagnostics.length > 0 ? 'warning' : 'success';
}

/** The archive goes to stdout and the snapshot is fd 3, both opened by the engine (see runTar). */
function createArgs(options: BackupRunOptions, source: string): string[] {
  return [
    '--create',
    '--file=-',
    '--listed-incremental=/dev/fd/3',
    // Device numbers change across reboots (and LVM or NFS remounts); without this every
    // renumbering makes tar treat all directories as new, i.e. a silent full backup.
    '--no-check-device',
    ...tarCompressionArgs(options.compression),
    ...(options.excludeFrom !== undefined ? [`--exclude-from=${resolve(options.excludeFrom)}`] : []),
    ...(options.excludePatterns ?? []).map((pattern) => `--exclude=${pattern}`),
    `--directory=${source}`,
    '.',
  ];
}

/** An fs error during a run, as a diagnostic an operator can act on. */
function fileSystemFailure(error: unknown, address: string, index: number | null): Diagnostic {
  const code = errnoCode(error);
  const what = index === null ? 'the run' : `archive ${index}`;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return backupDiagnostic(
      'error',
      'BACKUP_DISK_FULL',
      `the target file system is full; ${what} was not committed and nothing was advanced`,
      address,
      errorMessage(error),
    );
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return backupDiagnostic('error', 'BACKUP_TARGET_UNWRITABLE', `the target cannot be written; ${what} was not committed`, address, errorMessage(error));
  }
  if (code !== undefined) return backupDiagnostic('error', 'BACKUP_WRITE_FAILED', `${what} failed: ${errorMessage(error)}`, address);
  throw error;
}
