import { type FileHandle, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { assertNever } from '../../inventory/core/errors.js';
import { backupDiagnostic, errnoCode, errorMessage } from './backup-diagnostic.js';
import { tarCompressionArgs } from './compression.js';
import { sha256OfHandle } from './fs/archive-checksum.js';
import { makeDirectory, openRegularFile, UnsafeFileError } from './fs/safe-fs.js';
import { runTar, tarMessages, tarVerdict } from './run/tar-runner.js';
import { describeIndexes } from './series/index-ranges.js';
import { locateSeries } from './series/series-location.js';
import { type ArchiveRecord, loadState } from './series/series-state.js';

export interface RestoreOptions {
  /** The policy's target; with `user`, the series is the one in TARGET/USER. */
  target: string;
  name: string;
  index: number;
  /** Destination directory; created (0700) if missing, must be empty unless `force`. */
  to: string;
  force: boolean;
  user?: string;
}

export interface RestoreResult {
  ok: boolean;
  index: number;
  /** The archives extracted, in order: the full one, then each increment up to `index`. */
  chain: number[];
  diagnostics: Diagnostic[];
}

/** Restores index n: the full archive of n's sequence, then every increment up to n, in order,
 * each with --listed-incremental=/dev/null so tar replays the deletions and renames recorded in
 * the increments' directory listings. Each archive is opened once, without following a link: the
 * descriptor whose content was checked is the one tar reads. */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const failed = (diagnostic: Diagnostic, chain: number[] = []): RestoreResult => ({ ok: false, index: options.index, chain, diagnostics: [diagnostic] });
  const location = await locateSeries(options.target, options.name, options.user);
  if (!location.ok) return failed(location.diagnostic);
  const { files, address } = location;
  const loaded = await loadState(files);
  switch (loaded.status) {
    case 'absent':
      return failed(backupDiagnostic('error', 'BACKUP_NO_SERIES', `there is no series "${options.name}" in ${files.target} (no ${files.state})`, address));
    case 'corrupt':
      return failed(backupDiagnostic('error', 'BACKUP_STATE_CORRUPT', `the series index ${files.state} cannot be read: ${loaded.reason}`, address));
    case 'unsafe':
      return failed(backupDiagnostic('error', 'BACKUP_UNSAFE_FILE', `the series index ${loaded.reason}`, address));
    case 'ok':
      break;
    default:
      return assertNever(loaded, 'state status');
  }
  const { state } = loaded;
  const wanted = state.archives.find((a) => a.index === options.index);
  const existing = state.archives.map((a) => a.index);
  if (!wanted) {
    const why = options.index > state.currentIndex ? 'was never made' : 'was pruned by the rotation';
    return failed(
      backupDiagnostic(
        'error',
        'BACKUP_INDEX_NOT_FOUND',
        `index ${options.index} ${why}; the series holds ${existing.length ? `indexes ${describeIndexes(existing)}` : 'no archive'}`,
        address,
      ),
    );
  }
  const chain: ArchiveRecord[] = [];
  for (let i = wanted.fullIndex; i <= wanted.index; i++) {
    const record = state.archives.find((a) => a.index === i);
    if (!record)
      return failed(backupDiagnostic('error', 'BACKUP_CHAIN_BROKEN', `index ${options.index} needs archive ${i}, which the index does not list`, address));
    chain.push(record);
  }
  const handles: FileHandle[] = [];
  try {
    for (const record of chain) {
      try {
        handles.push(await openRegularFile(join(files.target, record.file)));
      } catch (error) {
        if (error instanceof UnsafeFileError)
          return failed(backupDiagnostic('error', 'BACKUP_UNSAFE_FILE', `index ${options.index} needs ${error.message}`, address));
        return failed(
          backupDiagnostic(
            'error',
            'BACKUP_CHAIN_BROKEN',
            `index ${options.index} needs ${record.file}, which is missing from ${files.target}${errnoCode(error) === 'ENOENT' ? '' : ` (${errorMessage(error)})`}`,
            address,
          ),
        );
      }
    }
    // Every archive of the chain is checked before anything is extracted: a damaged increment
    // found half-way would leave a destination that matches no index at all.
    const checksums = await Promise.all(handles.map((handle) => sha256OfHandle(handle)));
    const damaged = chain.filter((record, i) => checksums[i] !== record.sha256);
    if (damaged.length > 0) {
      return failed(
        backupDiagnostic(
          'error',
          'BACKUP_RESTORE_CORRUPT',
          `index ${options.index} needs ${damaged.map((r) => r.file).join(', ')}, whose sha256 differs from the one recorded; nothing was extracted`,
          address,
          'run `pytin backup verify` for details',
        ),
      );
    }
    const to = resolve(options.to);
    try {
      const entries = await readdir(to);
      if (entries.length > 0 && !options.force) {
        return failed(
          backupDiagnostic(
            'error',
            'BACKUP_RESTORE_NOT_EMPTY',
            `the destination ${to} is not empty (${entries.length} entries); use --force to restore over it`,
            address,
          ),
        );
      }
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT')
        return failed(backupDiagnostic('error', 'BACKUP_RESTORE_FAILED', `the destination ${to} cannot be read: ${errorMessage(error)}`, address));
      try {
        await makeDirectory(to);
      } catch (mkdirError) {
        return failed(backupDiagnostic('error', 'BACKUP_RESTORE_FAILED', `the destination ${to} cannot be created: ${errorMessage(mkdirError)}`, address));
      }
    }
    const done: number[] = [];
    for (const [i, record] of chain.entries()) {
      const outcome = await runTar(
        ['--extract', '--file=-', '--listed-incremental=/dev/null', ...tarCompressionArgs(record.compression), `--directory=${to}`],
        { stdin: handles[i]!.fd },
      );
      const verdict = tarVerdict(outcome);
      if (verdict !== 'ok') {
        return failed(
          backupDiagnostic(
            'error',
            'BACKUP_RESTORE_FAILED',
            `extracting ${record.file} failed (${outcome.signal ?? `exit status ${outcome.exitStatus ?? outcome.spawnError}`}); ${to} holds a partial restore up to index ${done.at(-1) ?? 'none'}`,
            address,
            tarMessages(outcome.stderr).join('\n'),
          ),
          done,
        );
      }
      done.push(record.index);
    }
    return { ok: true, index: options.index, chain: done, diagnostics: [] };
  } finally {
    for (const handle of handles) await handle.close().catch(() => undefined);
  }
}
