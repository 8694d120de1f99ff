import { resolve } from 'node:path';

import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { backupDiagnostic, seriesAddress } from '../backup-diagnostic.js';
import { lstatIfPresent } from '../fs/safe-fs.js';
import { isSeriesName, isUserName, seriesDirectory, type SeriesFiles, seriesFiles } from './series-files.js';

export type SeriesLocation = { ok: true; files: SeriesFiles; address: string } | { ok: false; address: string; diagnostic: Diagnostic };

export const SERIES_NAME_RULE = 'may only hold letters, digits, ".", "_" and "-" (at most 128, not starting with "." or "-")';
export const USER_NAME_RULE = 'may only hold letters, digits, ".", "_", "@" and "-" (at most 128, not starting with "." or "-")';

/** Where list, verify and restore find series `name` of `target` (of `user`, for a per-user
 * policy). The name and the user are checked before any path is built from them, and a target or
 * user folder that is a symbolic link is not read through: a reader must not be steered outside
 * the target by a value it was given or a link someone placed. */
export async function locateSeries(target: string, name: string, user?: string): Promise<SeriesLocation> {
  const address = seriesAddress(name, user);
  const refuse = (diagnostic: Diagnostic): SeriesLocation => ({ ok: false, address, diagnostic });
  if (!isSeriesName(name)) return refuse(backupDiagnostic('error', 'BACKUP_BAD_NAME', `series name ${JSON.stringify(name)} ${SERIES_NAME_RULE}`, address));
  if (user !== undefined && !isUserName(user))
    return refuse(backupDiagnostic('error', 'BACKUP_BAD_USER', `user name ${JSON.stringify(user)} ${USER_NAME_RULE}`, address));
  const root = resolve(target);
  const directory = seriesDirectory(root, user);
  for (const folder of user === undefined ? [root] : [root, directory]) {
    const info = await lstatIfPresent(folder).catch(() => undefined);
    if (info?.isSymbolicLink())
      return refuse(
        backupDiagnostic(
          'error',
          'BACKUP_TARGET_SYMLINK',
          `${folder} is a symbolic link; pytin does not read a series through it`,
          address,
          'give the directory it points to',
        ),
      );
  }
  return { ok: true, files: seriesFiles(directory, name), address };
}
