import { type FileHandle, link, lstat, readdir, rename, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';

import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { backupDiagnostic, errnoCode } from '../backup-diagnostic.js';
import type { BackupRunOptions } from '../backup-options.js';
import { sha256OfFile, sha256OfHandle } from '../fs/archive-checksum.js';
import { fsyncDirectory } from '../fs/durable-fs.js';
import { identityOf, lstatIfPresent } from '../fs/safe-fs.js';
import { type ArchiveKind, fullIndexOf, prunedByRun } from '../series/rotation.js';
import { classifyEntry, type SeriesFiles, type TemporaryFiles } from '../series/series-files.js';
import { type ArchiveRecord, type RemovalRecord, type SeriesState, writeStateAside } from '../series/series-state.js';
import { removalProblem, removeRecorded } from './crash-recovery.js';
import type { Fail } from './run-stop.js';

export interface CommitInput {
  index: number;
  kind: ArchiveKind;
  tarExitStatus: 0 | 1;
  /** The archive and the snapshot tar wrote, still open, at the run's temporary names. */
  archive: FileHandle;
  snapshot: FileHandle;
  temporary: TemporaryFiles;
  /** Removals an earlier run recorded but could not finish. */
  carried: readonly RemovalRecord[];
}

export interface Committed {
  archive: ArchiveRecord;
  pruned: number[];
  state: SeriesState;
  diagnostics: Diagnostic[];
}

/** Makes archive `index` durable and commits it in the index file.
 *
 * The new index is written first under the run's temporary name: until the commit it is the
 * journal that lets a later run recognise (by content) the archive and snapshot this run placed
 * if it dies before committing. They are placed with link(), which never replaces an existing
 * file, so a file pytin did not record is never overwritten. The index records as `removing` the
 * files the commit drops (archives of the rotation, the previous snapshot), each with the identity
 * it has now: only those, and only while they keep that identity, are ever removed. */
export async function commitArchive(
  files: SeriesFiles,
  options: BackupRunOptions,
  state: SeriesState,
  input: CommitInput,
  fail: Fail,
  address: string,
): Promise<Committed> {
  const finalArchive = files.archive(input.index, options.compression);
  const finalSnapshot = files.snapshot(input.index);
  const [archiveInfo, archiveSha256, snapshotSha256] = await Promise.all([input.archive.stat(), sha256OfHandle(input.archive), sha256OfHandle(input.snapshot)]);
  const archive: ArchiveRecord = {
    index: input.index,
    kind: input.kind,
    fullIndex: fullIndexOf(input.index, options.iterations),
    file: basename(finalArchive),
    compression: options.compression,
    sizeBytes: archiveInfo.size,
    sha256: archiveSha256,
    createdAt: new Date().toISOString(),
    tarExitStatus: input.tarExitStatus,
  };
  const archives = [...state.archives.filter((a) => a.index !== input.index), archive];
  const pruned = prunedByRun(
    input.index,
    archives.map((a) => a.index),
    options,
  );
  const diagnostics: Diagnostic[] = [];
  const removing: RemovalRecord[] = [...input.carried];
  for (const old of archives.filter((a) => pruned.includes(a.index))) {
    const info = await lstatIfPresent(join(files.target, old.file));
    if (info === undefined) continue;
    if (info.isFile() && info.size === old.sizeBytes) {
      removing.push({ file: old.file, ...identityOf(info) });
    } else {
      diagnostics.push(
        backupDiagnostic(
          'warning',
          'BACKUP_PRUNE_FAILED',
          `${old.file} is due for rotation, but it is not the archive pytin recorded (${info.isFile() ? `${info.size} bytes, recorded ${old.sizeBytes}` : 'not a regular file'}); left alone`,
          address,
        ),
      );
    }
  }
  if (state.currentIndex > 0) {
    // The previous snapshot goes only if it is the one recorded (index files of older versions
    // record no checksum; the name the index implies is then all there is).
    const previous = files.snapshot(state.currentIndex);
    const info = await lstatIfPresent(previous);
    if (info?.isFile()) {
      const recorded = state.snapshotSha256 === undefined || (await sha256OfFile(previous).catch(() => undefined)) === state.snapshotSha256;
      if (recorded) removing.push({ file: basename(previous), ...identityOf(info) });
      else
        diagnostics.push(
          backupDiagnostic(
            'warning',
            'BACKUP_PRUNE_FAILED',
            `${basename(previous)} is no longer current, but it is not the snapshot pytin recorded; left alone`,
            address,
          ),
        );
    }
  }
  const committed: SeriesState = {
    version: 1,
    name: options.name,
    iterations: options.iterations,
    keepSequences: options.keepSequences,
    currentIndex: input.index,
    archives: archives.filter((a) => !pruned.includes(a.index)).sort((a, b) => a.index - b.index),
    snapshotSha256,
    removing,
  };
  await Promise.all([writeStateAside(input.temporary, committed), input.archive.sync(), input.snapshot.sync()]);

  const placed: string[] = [];
  try {
    const placements: Array<[string, string, FileHandle]> = [
      [input.temporary.archive(input.index, options.compression), finalArchive, input.archive],
      [input.temporary.snapshot(input.index), finalSnapshot, input.snapshot],
    ];
    for (const [from, to, handle] of placements) {
      try {
        await link(from, to);
      } catch (error) {
        if (errnoCode(error) === 'EEXIST')
          fail(
            'BACKUP_NAME_TAKEN',
            `${to} appeared while the run made it; pytin does not overwrite it, and archive ${input.index} was not committed`,
            'move it away',
          );
        throw error;
      }
      placed.push(to);
      // The temporary name lives in a folder others may be able to write: what got linked must
      // be the file tar wrote through the run's own descriptor.
      const [linked, written] = await Promise.all([lstat(to), handle.stat()]);
      if (linked.ino !== written.ino || linked.dev !== written.dev) {
        fail('BACKUP_UNSAFE_FILE', `${from} was replaced by another file while the run wrote it; archive ${input.index} was not committed`);
      }
    }
    await Promise.all(placements.map(([from]) => unlink(from)));
    await fsyncDirectory(files.target);
    // The commit point: before this rename the series is at index - 1, after it at index.
    await rename(input.temporary.state, files.state);
  } catch (error) {
    // Not committed: the names this run placed go with its journal; the index still says index - 1.
    for (const path of placed) await unlink(path).catch(() => undefined);
    await unlink(input.temporary.state).catch(() => undefined);
    throw error;
  }
  await fsyncDirectory(files.target);
  return { archive, pruned, state: committed, diagnostics };
}

/** After the commit: removes what the index records as `removing` (still with its recorded
 * identity), and warns about files named like archives of the series that the index does not
 * list, which pytin leaves alone. Failures here are warnings: the series is consistent, and the
 * next run retries what the index still records. */
export async function pruneFiles(files: SeriesFiles, state: SeriesState, address: string): Promise<Diagnostic[]> {
  const problems: Diagnostic[] = [];
  for (const removal of state.removing ?? []) {
    const problem = removalProblem(removal, await removeRecorded(files, removal), address);
    if (problem) problems.push(problem);
  }
  const known = new Set([...state.archives.map((a) => a.file), ...(state.removing ?? []).map((r) => r.file)]);
  const unlisted = (await readdir(files.target)).filter((entry) => classifyEntry(files.name, entry)?.role === 'archive' && !known.has(entry)).sort();
  if (unlisted.length > 0) {
    problems.push(
      backupDiagnostic(
        'warning',
        'BACKUP_UNLISTED_ARCHIVE',
        `${unlisted.slice(0, 5).join(', ')}${unlisted.length > 5 ? ` and ${unlisted.length - 5} more` : ''} ${unlisted.length === 1 ? 'is' : 'are'} named like archives of the series but not recorded in its index; left alone`,
        address,
        "another tool's files, or an older pytin's: move them out of the target once they are not needed",
      ),
    );
  }
  return problems;
}
