import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { backupDiagnostic, errorMessage, seriesAddress } from '../backup-diagnostic.js';
import type { PerUserBackupOptions } from '../backup-options.js';
import { isSeriesName, isUserName, seriesDirectory } from '../series/series-files.js';
import { SERIES_NAME_RULE, USER_NAME_RULE } from '../series/series-location.js';
import { type BackupRunResult, runBackup } from './backup-run.js';
import { prepareTarget } from './run-preconditions.js';
import { type Fail, RunStop } from './run-stop.js';

export interface PerUserRunResult {
  results: BackupRunResult[];
  /** Problems with the policy itself (home, target, name): no user was backed up. */
  diagnostics: Diagnostic[];
}

/** The user directories of a home: every directory, or symbolic link (it may point to one or be
 * broken, and a broken one must fail visibly), except hidden entries and lost+found. */
export async function listUserDirectories(home: string): Promise<string[]> {
  const entries = await readdir(home, { withFileTypes: true });
  return entries
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith('.') && e.name !== 'lost+found')
    .map((e) => e.name)
    .sort();
}

/** One series per user directory, in `target/<user>/`. Each user runs on its own: a failure of
 * one (unreadable, broken, its tar failing, a name that cannot name a folder) is reported for that
 * user and the others still run. */
export async function runPerUserBackup(options: PerUserBackupOptions): Promise<PerUserRunResult> {
  const address = seriesAddress(options.name);
  const policyFailure = (diagnostic: Diagnostic): PerUserRunResult => ({ results: [], diagnostics: [diagnostic] });
  if (!isSeriesName(options.name))
    return policyFailure(backupDiagnostic('error', 'BACKUP_BAD_NAME', `series name ${JSON.stringify(options.name)} ${SERIES_NAME_RULE}`, address));
  let users: string[];
  try {
    users = await listUserDirectories(options.home);
  } catch (error) {
    return policyFailure(
      backupDiagnostic('error', 'BACKUP_PER_USER_HOME_MISSING', `the home directory ${options.home} cannot be listed: ${errorMessage(error)}`, address),
    );
  }
  if (users.length === 0) {
    return policyFailure(backupDiagnostic('error', 'BACKUP_PER_USER_EMPTY', `the home directory ${options.home} holds no user directory`, address));
  }
  // The target holding every user's folder: created 0700 if missing, refused if it is a link.
  const target = resolve(options.target);
  const fail: Fail = (code, summary, detail) => {
    throw new RunStop(backupDiagnostic('error', code, summary, address, detail));
  };
  try {
    await prepareTarget(target, fail);
  } catch (error) {
    if (error instanceof RunStop) return policyFailure(error.diagnostic);
    throw error;
  }
  const results: BackupRunResult[] = [];
  const { home, ...common } = options;
  for (const user of users) {
    if (!isUserName(user)) {
      // A directory entry of the home is anyone's to name: no path of the target is built from it.
      results.push(
        failedUser(
          options.name,
          user,
          home,
          target,
          backupDiagnostic(
            'error',
            'BACKUP_BAD_USER',
            `the user directory ${JSON.stringify(user)} of ${home} is not backed up: a user name ${USER_NAME_RULE}`,
            address,
          ),
        ),
      );
      continue;
    }
    const runOptions = { ...common, source: join(home, user), target: seriesDirectory(target, user), user };
    try {
      results.push(await runBackup(runOptions));
    } catch (error) {
      // A bug while backing up one user must not cost the others their backup.
      results.push(
        failedUser(
          options.name,
          user,
          runOptions.source,
          runOptions.target,
          backupDiagnostic(
            'error',
            'BACKUP_USER_FAILED',
            `the backup of ${user} failed unexpectedly: ${errorMessage(error)}`,
            seriesAddress(options.name, user),
          ),
        ),
      );
    }
  }
  return { results, diagnostics: [] };
}

function failedUser(name: string, user: string, source: string, target: string, diagnostic: Diagnostic): BackupRunResult {
  return {
    name,
    user,
    address: seriesAddress(name, user),
    source,
    target,
    result: 'failed',
    index: null,
    kind: null,
    archive: null,
    pruned: [],
    durationMs: 0,
    diagnostics: [diagnostic],
  };
}
