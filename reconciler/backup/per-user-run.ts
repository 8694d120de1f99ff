import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { backupDiagnostic, errorMessage, seriesAddress } from './backup-diagnostic.js';
import type { PerUserBackupOptions } from './backup-options.js';
import { runBackup, type BackupRunResult } from './backup-run.js';

export interface PerUserRunResult {
  results: BackupRunResult[];
  /** Problems with the home directory itself (no user was backed up). */
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
 * one (unreadable, broken, its tar failing) is reported for that user and the others still run. */
export async function runPerUserBackup(options: PerUserBackupOptions): Promise<PerUserRunResult> {
  const address = seriesAddress(options.name);
  let users: string[];
  try {
    users = await listUserDirectories(options.home);
  } catch (error) {
    return { results: [], diagnostics: [backupDiagnostic('error', 'BACKUP_PER_USER_HOME_MISSING', `the home directory ${options.home} cannot be listed: ${errorMessage(error)}`, address)] };
  }
  if (users.length === 0) {
    return { results: [], diagnostics: [backupDiagnostic('error', 'BACKUP_PER_USER_EMPTY', `the home directory ${options.home} holds no user directory`, address)] };
  }
  const results: BackupRunResult[] = [];
  for (const user of users) {
    const { home, ...common } = options;
    const runOptions = { ...common, source: join(home, user), target: join(options.target, user), user };
    try {
      results.push(await runBackup(runOptions));
    } catch (error) {
      // A bug while backing up one user must not cost the others their backup.
      results.push({
        name: options.name,
        user,
        address: seriesAddress(options.name, user),
        source: runOptions.source,
        target: runOptions.target,
        result: 'failed',
        index: null,
        kind: null,
        archive: null,
        pruned: [],
        durationMs: 0,
        diagnostics: [backupDiagnostic('error', 'BACKUP_USER_FAILED', `the backup of ${user} failed unexpectedly: ${errorMessage(error)}`, seriesAddress(options.name, user))],
      });
    }
  }
  return { results, diagnostics: [] };
}
