import { access, constants, readdir, realpath, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

import { assertNever } from '../../../inventory/core/errors.js';
import { errnoCode, errorMessage } from '../backup-diagnostic.js';
import type { BackupRunOptions } from '../backup-options.js';
import { type Compression, compressorProgram, isOnPath } from '../compression.js';
import { lstatIfPresent, makeDirectory, UnsafeFileError } from '../fs/safe-fs.js';
import { classifyEntry, type SeriesFiles } from '../series/series-files.js';
import { emptyState, loadState, type SeriesState } from '../series/series-state.js';
import { type Fail, RunStop } from './run-stop.js';

/** What a run checks before it makes anything: each failure stops the run through `fail`. */

/** Makes the target a directory the run can write: missing folders are created 0700; an existing
 * one keeps its mode; a target that is a symbolic link is refused (its files would land wherever
 * the link points, and whoever can change the link chooses where). */
export async function prepareTarget(target: string, fail: Fail): Promise<void> {
  try {
    await makeDirectory(target);
    const info = await stat(target);
    if (!info.isDirectory()) fail('BACKUP_TARGET_UNWRITABLE', `the target ${target} is not a directory`);
    await access(target, constants.W_OK | constants.X_OK);
  } catch (error) {
    if (error instanceof RunStop) throw error;
    if (error instanceof UnsafeFileError) {
      const real = await realpath(target).catch(() => undefined);
      fail(
        'BACKUP_TARGET_SYMLINK',
        `the target ${target} is a symbolic link; pytin does not write through it`,
        real ? `give the directory it points to: ${real}` : 'it points nowhere',
      );
    }
    const code = errnoCode(error);
    if (code === 'ENOSPC' || code === 'EDQUOT') fail('BACKUP_DISK_FULL', `the target ${target} cannot be created: the file system is full`);
    fail('BACKUP_TARGET_UNWRITABLE', `the target ${target} cannot be created or written (${code ?? errorMessage(error)})`);
  }
}

export async function checkSource(options: BackupRunOptions, target: string, fail: Fail): Promise<string> {
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
    await access(resolve(options.excludeFrom), constants.R_OK).catch(() =>
      fail('BACKUP_EXCLUDE_FILE_MISSING', `the exclude file ${options.excludeFrom} cannot be read`),
    );
  }
  const program = compressorProgram(options.compression);
  if (!(await isOnPath(program))) fail('BACKUP_COMPRESSOR_MISSING', `--compress ${options.compression} needs ${program}, which is not installed`);
  return real;
}

export async function loadSeriesState(files: SeriesFiles, options: BackupRunOptions, fail: Fail): Promise<SeriesState> {
  const loaded = await loadState(files);
  switch (loaded.status) {
    case 'absent': {
      // Starting again at index 1 would overwrite archive 1 of a series whose index was lost.
      const existing = (await readdir(files.target)).filter((entry) => classifyEntry(files.name, entry)?.role === 'archive');
      if (existing.length > 0) {
        fail(
          'BACKUP_STATE_MISSING',
          `${files.state} is missing but archives of the series exist (${existing.sort().slice(0, 5).join(', ')}${existing.length > 5 ? ', ...' : ''})`,
          'move them away or use another --name',
        );
      }
      return emptyState(options.name, options.iterations, options.keepSequences);
    }
    case 'corrupt':
      return fail('BACKUP_STATE_CORRUPT', `the series index ${files.state} cannot be read: ${loaded.reason}`);
    case 'unsafe':
      return fail('BACKUP_UNSAFE_FILE', `the series index ${loaded.reason}`, 'remove it; if it hid the real index, put that back');
    case 'ok':
      if (loaded.state.iterations !== options.iterations) {
        fail(
          'BACKUP_ITERATIONS_CHANGED',
          `the series was made with --iterations ${loaded.state.iterations}, not ${options.iterations}`,
          'keep the value, or start a new series (another --name or target)',
        );
      }
      return loaded.state;
    default:
      return assertNever(loaded, 'state status');
  }
}

/** The archive and snapshot that index `index` will be placed at must be free: pytin never
 * replaces a file it did not record (a run that died placing them has been recovered before). */
export async function checkNamesFree(files: SeriesFiles, index: number, compression: Compression, fail: Fail): Promise<void> {
  for (const path of [files.archive(index, compression), files.snapshot(index)]) {
    if ((await lstatIfPresent(path)) !== undefined) {
      fail(
        'BACKUP_NAME_TAKEN',
        `${path} exists, but the series index does not record it (it is at index ${index - 1}); pytin does not overwrite it`,
        'move it away; if a run of a pytin older than this one died before committing it, remove it',
      );
    }
  }
}
