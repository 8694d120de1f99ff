import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { assertNever } from '../../../inventory/core/errors.js';
import { backupDiagnostic, errnoCode, errorMessage } from '../backup-diagnostic.js';
import { sha256OfFile } from '../fs/archive-checksum.js';
import { identityOf, lstatIfPresent, sameIdentity } from '../fs/safe-fs.js';
import { isTemporaryOf, type SeriesFiles, temporaryFiles } from '../series/series-files.js';
import { loadStateFile, type RemovalRecord, type SeriesState } from '../series/series-state.js';

export interface Recovery {
  diagnostics: Diagnostic[];
  /** Removals that failed again: the next commit records them once more. */
  carried: RemovalRecord[];
}

/** Finishes, under the series lock, what an earlier run left undone. Only files pytin recorded
 * are removed: the temporary files of the dead run whose lock was taken over (named by the token
 * in that lock), the archive and snapshot that run was placing (named in its journal, and removed
 * only if their content is what the journal recorded), and the removals the index records (only
 * if each file is still the one recorded). Anything else with a name of the series is left alone. */
export async function recoverEarlierRun(files: SeriesFiles, state: SeriesState, deadToken: string | null, address: string): Promise<Recovery> {
  const diagnostics: Diagnostic[] = [];
  if (deadToken !== null) await recoverDeadRun(files, state, deadToken, address, diagnostics);
  const carried: RemovalRecord[] = [];
  for (const removal of state.removing ?? []) {
    const outcome = await removeRecorded(files, removal);
    if (outcome.status === 'failed') carried.push(removal);
    const problem = removalProblem(removal, outcome, address);
    if (problem) diagnostics.push(problem);
  }
  return { diagnostics, carried };
}

async function recoverDeadRun(files: SeriesFiles, state: SeriesState, deadToken: string, address: string, diagnostics: Diagnostic[]): Promise<void> {
  const dead = temporaryFiles(files, deadToken);
  // The journal is the index the dead run meant to commit. If it was placing the next index, the
  // archive and snapshot at those names are its own, provided they hold what it recorded.
  const journal = await loadStateFile(dead.state, files.name);
  if (journal.status === 'ok' && journal.state.currentIndex === state.currentIndex + 1) {
    const placing = journal.state.archives.find((a) => a.index === journal.state.currentIndex);
    if (placing !== undefined) {
      const archive = join(files.target, placing.file);
      await removeIfContent(archive, placing.sizeBytes, placing.sha256);
      if (journal.state.snapshotSha256 !== undefined) await removeIfContent(files.snapshot(placing.index), null, journal.state.snapshotSha256);
    }
  }
  for (const entry of await readdir(files.target)) {
    if (!isTemporaryOf(files.name, deadToken, entry)) continue;
    await unlink(join(files.target, entry)).catch((error: unknown) => {
      if (errnoCode(error) !== 'ENOENT') {
        diagnostics.push(
          backupDiagnostic(
            'warning',
            'BACKUP_PRUNE_FAILED',
            `${entry}, a temporary file of a run that died, could not be removed: ${errorMessage(error)}`,
            address,
          ),
        );
      }
    });
  }
}

/** Removes a regular file if its size (when given) and sha256 are the recorded ones. */
async function removeIfContent(path: string, sizeBytes: number | null, sha256: string): Promise<void> {
  const info = await lstatIfPresent(path);
  if (info === undefined || !info.isFile() || (sizeBytes !== null && info.size !== sizeBytes)) return;
  const actual = await sha256OfFile(path).catch(() => undefined);
  if (actual === sha256) await unlink(path).catch(() => undefined);
}

export type RemovalOutcome = { status: 'removed' | 'absent' | 'replaced' } | { status: 'failed'; reason: string };

/** Removes a recorded file if it is still the one recorded (same inode, size and mtime). */
export async function removeRecorded(files: SeriesFiles, removal: RemovalRecord): Promise<RemovalOutcome> {
  const path = join(files.target, removal.file);
  try {
    const info = await lstatIfPresent(path);
    if (info === undefined) return { status: 'absent' };
    if (!info.isFile() || !sameIdentity(identityOf(info), removal)) return { status: 'replaced' };
    await unlink(path);
    return { status: 'removed' };
  } catch (error) {
    return errnoCode(error) === 'ENOENT' ? { status: 'absent' } : { status: 'failed', reason: errorMessage(error) };
  }
}

/** The warning for a removal that did not happen; undefined when it did (or had already). */
export function removalProblem(removal: RemovalRecord, outcome: RemovalOutcome, address: string): Diagnostic | undefined {
  switch (outcome.status) {
    case 'removed':
    case 'absent':
      return undefined;
    case 'replaced':
      return backupDiagnostic(
        'warning',
        'BACKUP_PRUNE_FAILED',
        `${removal.file} was due for removal, but another file has taken its name since; left alone`,
        address,
      );
    case 'failed':
      return backupDiagnostic('warning', 'BACKUP_PRUNE_FAILED', `${removal.file} could not be removed (the next run tries again): ${outcome.reason}`, address);
    default:
      return assertNever(outcome, 'removal outcome');
  }
}
