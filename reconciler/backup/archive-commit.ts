import { readdir, rename, stat, unlink } from 'node:fs/promises';
import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { sha256OfFile } from './archive-checksum.js';
import { backupDiagnostic, errnoCode, errorMessage } from './backup-diagnostic.js';
import type { BackupRunOptions } from './backup-options.js';
import { fsyncDirectory, fsyncFile } from './durable-fs.js';
import { fullIndexOf, prunedByRun, type ArchiveKind } from './rotation.js';
import { classifyEntry, type SeriesFiles } from './series-files.js';
import { commitStateAside, writeStateAside, type ArchiveRecord, type SeriesState } from './series-state.js';

export interface CommitInput {
  index: number;
  kind: ArchiveKind;
  partialArchive: string;
  partialSnapshot: string;
  tarExitStatus: 0 | 1;
}

/** Makes archive `index` durable and commits it in the index file. */
export async function commitArchive(files: SeriesFiles, options: BackupRunOptions, state: SeriesState, input: CommitInput): Promise<{ archive: ArchiveRecord; pruned: number[]; state: SeriesState }> {
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
export async function pruneFiles(files: SeriesFiles, state: SeriesState, pruned: readonly number[], address: string): Promise<Diagnostic[]> {
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
