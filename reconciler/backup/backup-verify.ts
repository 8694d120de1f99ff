import { sha256OfFile } from './archive-checksum.js';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { assertNever } from '../../inventory/core/errors.js';
import { backupDiagnostic, seriesAddress } from './backup-diagnostic.js';
import { tarCompressionArgs } from './compression.js';
import { seriesFiles } from './series-files.js';
import { loadState } from './series-state.js';
import { runTar, tarMessages, tarVerdict } from './tar-runner.js';

export interface ArchiveCheck {
  index: number;
  file: string;
  ok: boolean;
  /** Codes of the problems found (BACKUP_VERIFY_*). */
  problems: string[];
}

export interface VerifyResult {
  ok: boolean;
  archives: ArchiveCheck[];
  diagnostics: Diagnostic[];
}

/** Checks every archive the index lists: present, of the recorded size and sha256, and readable
 * to its end by `tar --list` (which also checks the compression's own CRC). Also checks that the
 * current snapshot exists, without which the next increment cannot be made. */
export async function verifySeries(target: string, name: string, user?: string): Promise<VerifyResult> {
  const address = seriesAddress(name, user);
  const files = seriesFiles(resolve(target), name);
  const loaded = await loadState(files);
  switch (loaded.status) {
    case 'absent':
      return { ok: false, archives: [], diagnostics: [backupDiagnostic('error', 'BACKUP_NO_SERIES', `there is no series "${name}" in ${files.target}`, address)] };
    case 'corrupt':
      return { ok: false, archives: [], diagnostics: [backupDiagnostic('error', 'BACKUP_STATE_CORRUPT', `the series index ${files.state} cannot be read: ${loaded.reason}`, address)] };
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
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      problems.push(backupDiagnostic('error', 'BACKUP_VERIFY_MISSING', `archive ${record.index} (${record.file}) is missing`, address));
    } else {
      if (info.size !== record.sizeBytes) problems.push(backupDiagnostic('error', 'BACKUP_VERIFY_SIZE', `archive ${record.index} is ${info.size} bytes, recorded ${record.sizeBytes}`, address));
      const sha256 = await sha256OfFile(path);
      if (sha256 !== record.sha256) problems.push(backupDiagnostic('error', 'BACKUP_VERIFY_CHECKSUM', `archive ${record.index} has sha256 ${sha256}, recorded ${record.sha256}`, address));
      const listing = await runTar(['--list', `--file=${path}`, ...tarCompressionArgs(record.compression)]);
      if (tarVerdict(listing) !== 'ok') {
        problems.push(backupDiagnostic('error', 'BACKUP_VERIFY_UNREADABLE', `tar cannot read archive ${record.index} to its end`, address, tarMessages(listing.stderr).join('\n')));
      }
    }
    diagnostics.push(...problems);
    archives.push({ index: record.index, file: record.file, ok: problems.length === 0, problems: problems.map((p) => p.code) });
  }
  if (loaded.state.currentIndex > 0) {
    const snapshot = await stat(files.snapshot(loaded.state.currentIndex)).catch(() => undefined);
    if (!snapshot) diagnostics.push(backupDiagnostic('error', 'BACKUP_SNAPSHOT_MISSING', `the snapshot of index ${loaded.state.currentIndex} is missing; the next run cannot make an increment`, address));
  }
  return { ok: diagnostics.length === 0, archives, diagnostics };
}
