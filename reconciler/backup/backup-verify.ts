import { join } from 'node:path';

import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { assertNever } from '../../inventory/core/errors.js';
import { backupDiagnostic, errnoCode, errorMessage } from './backup-diagnostic.js';
import { tarCompressionArgs } from './compression.js';
import { sha256OfFile, sha256OfHandle } from './fs/archive-checksum.js';
import { lstatIfPresent, openRegularFile, UnsafeFileError } from './fs/safe-fs.js';
import { runTar, tarMessages, tarVerdict } from './run/tar-runner.js';
import { locateSeries } from './series/series-location.js';
import { loadState } from './series/series-state.js';

export interface ArchiveCheck {
  index: number;
  file: string;
  ok: boolean;
  /** Codes of the problems found (BACKUP_VERIFY_*, or BACKUP_UNSAFE_FILE for a link). */
  problems: string[];
}

export interface VerifyResult {
  ok: boolean;
  archives: ArchiveCheck[];
  diagnostics: Diagnostic[];
}

/** Checks every archive the index lists: present, of the recorded size and sha256, and readable
 * to its end by `tar --list` (which also checks the compression's own CRC), all through one
 * descriptor opened without following a link. Also checks that the current snapshot exists and
 * is the one recorded, without which the next increment cannot be made (or would miss changes).
 * `user` selects the series in TARGET/USER. */
export async function verifySeries(target: string, name: string, user?: string): Promise<VerifyResult> {
  const location = await locateSeries(target, name, user);
  if (!location.ok) return { ok: false, archives: [], diagnostics: [location.diagnostic] };
  const { files, address } = location;
  const loaded = await loadState(files);
  switch (loaded.status) {
    case 'absent':
      return {
        ok: false,
        archives: [],
        diagnostics: [backupDiagnostic('error', 'BACKUP_NO_SERIES', `there is no series "${name}" in ${files.target}`, address)],
      };
    case 'corrupt':
      return {
        ok: false,
        archives: [],
        diagnostics: [backupDiagnostic('error', 'BACKUP_STATE_CORRUPT', `the series index ${files.state} cannot be read: ${loaded.reason}`, address)],
      };
    case 'unsafe':
      return { ok: false, archives: [], diagnostics: [backupDiagnostic('error', 'BACKUP_UNSAFE_FILE', `the series index ${loaded.reason}`, address)] };
    case 'ok':
      break;
    default:
      return assertNever(loaded, 'state status');
  }
  const diagnostics: Diagnostic[] = [];
  const archives: ArchiveCheck[] = [];
  for (const record of loaded.state.archives) {
    const path = join(files.target, record.file);
    const problems: Diagnostic[] = [];
    const handle = await openRegularFile(path).catch((error: unknown) => {
      if (error instanceof UnsafeFileError)
        problems.push(backupDiagnostic('error', 'BACKUP_UNSAFE_FILE', `archive ${record.index}: ${error.message}`, address));
      else
        problems.push(
          backupDiagnostic(
            'error',
            'BACKUP_VERIFY_MISSING',
            `archive ${record.index} (${record.file}) is missing${errnoCode(error) === 'ENOENT' ? '' : ` (${errorMessage(error)})`}`,
            address,
          ),
        );
      return undefined;
    });
    if (handle) {
      try {
        const info = await handle.stat();
        if (info.size !== record.sizeBytes)
          problems.push(
            backupDiagnostic('error', 'BACKUP_VERIFY_SIZE', `archive ${record.index} is ${info.size} bytes, recorded ${record.sizeBytes}`, address),
          );
        const sha256 = await sha256OfHandle(handle);
        if (sha256 !== record.sha256)
          problems.push(
            backupDiagnostic('error', 'BACKUP_VERIFY_CHECKSUM', `archive ${record.index} has sha256 ${sha256}, recorded ${record.sha256}`, address),
          );
        const listing = await runTar(['--list', '--file=-', ...tarCompressionArgs(record.compression)], { stdin: handle.fd });
        if (tarVerdict(listing) !== 'ok') {
          problems.push(
            backupDiagnostic(
              'error',
              'BACKUP_VERIFY_UNREADABLE',
              `tar cannot read archive ${record.index} to its end`,
              address,
              tarMessages(listing.stderr).join('\n'),
            ),
          );
        }
      } finally {
        await handle.close();
      }
    }
    diagnostics.push(...problems);
    archives.push({ index: record.index, file: record.file, ok: problems.length === 0, problems: problems.map((p) => p.code) });
  }
  if (loaded.state.currentIndex > 0) {
    const snapshot = await lstatIfPresent(files.snapshot(loaded.state.currentIndex)).catch(() => undefined);
    const path = files.snapshot(loaded.state.currentIndex);
    if (snapshot === undefined)
      diagnostics.push(
        backupDiagnostic(
          'error',
          'BACKUP_SNAPSHOT_MISSING',
          `the snapshot of index ${loaded.state.currentIndex} is missing; the next run cannot make an increment`,
          address,
        ),
      );
    else if (!snapshot.isFile())
      diagnostics.push(
        backupDiagnostic('error', 'BACKUP_UNSAFE_FILE', `the snapshot ${path} is a symbolic link or not a regular file; the next run will not use it`, address),
      );
    else if (loaded.state.snapshotSha256 !== undefined && (await sha256OfFile(path).catch(() => undefined)) !== loaded.state.snapshotSha256) {
      diagnostics.push(
        backupDiagnostic(
          'error',
          'BACKUP_SNAPSHOT_CHANGED',
          `the snapshot of index ${loaded.state.currentIndex} is not the one recorded (another sha256); the next run will not use it`,
          address,
        ),
      );
    }
  }
  return { ok: diagnostics.length === 0, archives, diagnostics };
}
