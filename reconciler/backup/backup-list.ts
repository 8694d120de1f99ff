import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { type Diagnostic, diagnosticToJson } from '../../inventory/core/diagnostic.js';
import { assertNever } from '../../inventory/core/errors.js';
import { backupDiagnostic } from './backup-diagnostic.js';
import { lstatIfPresent, UnsafeFileError } from './fs/safe-fs.js';
import { checkNewestArchive, type NewestArchiveCheck } from './newest-archive-check.js';
import { readRunLog, type RunLogEntry } from './run/run-log.js';
import { type LockLiveness, lockLiveness, readLock } from './series/backup-lock.js';
import { type ArchiveKind, archiveKind, prunedWhenIndex } from './series/rotation.js';
import { isUserName, seriesDirectory, seriesFiles } from './series/series-files.js';
import { locateSeries } from './series/series-location.js';
import { type ArchiveRecord, loadState } from './series/series-state.js';

/** One archive as `backup list --json` shows it. */
export interface ArchiveReport extends ArchiveRecord {
  /** Modification time of the file (ISO 8601), null if the file is missing. */
  mtime: string | null;
  present: boolean;
  /** The index whose run will remove this archive. */
  prunedWhenIndex: number;
}

export interface LockReport {
  pid: number;
  host: string;
  startedAt: string;
  ageSeconds: number | null;
  liveness: LockLiveness;
}

/** The state of one series: the document host observation reads (`pytin backup list --json`).
 * Its shape is stable: fields are only ever added. */
export interface SeriesReport {
  address: string;
  name: string;
  user: string | null;
  target: string;
  exists: boolean;
  iterations: number | null;
  keepSequences: number | null;
  currentIndex: number | null;
  next: { index: number; kind: ArchiveKind | null; prunes: number[] };
  archives: ArchiveReport[];
  totalBytes: number;
  lock: LockReport | null;
  lastRun: RunLogEntry | null;
  lastSuccess: RunLogEntry | null;
  /** Whether tar's snapshot of the current index exists. False in mid-sequence means the next
   * "incremental" would silently hold everything (tar starts over without a snapshot). */
  snapshotPresent: boolean | null;
  /** The newest archive read back against its recorded size and sha256 (`--verify-newest`);
   * null when not asked for or when the series has no archive. */
  newestArchive: NewestArchiveCheck | null;
  diagnostics: Diagnostic[];
}

export interface ReportOptions {
  /** Read the newest archive back and compare its sha256 (reads the whole file). */
  verifyNewest?: boolean;
}

/** The report of series `name` in `target` (in TARGET/USER with `user`). */
export async function reportSeries(target: string, name: string, user?: string, now = new Date(), options: ReportOptions = {}): Promise<SeriesReport> {
  const location = await locateSeries(target, name, user);
  const base: SeriesReport = {
    address: location.address,
    name,
    user: user ?? null,
    target: location.ok ? location.files.target : resolve(target),
    exists: false,
    iterations: null,
    keepSequences: null,
    currentIndex: null,
    next: { index: 1, kind: 'full', prunes: [] },
    archives: [],
    totalBytes: 0,
    lock: null,
    lastRun: null,
    lastSuccess: null,
    snapshotPresent: null,
    newestArchive: null,
    diagnostics: [],
  };
  if (!location.ok) {
    base.diagnostics.push(location.diagnostic);
    return base;
  }
  const { files, address } = location;
  const unsafe = (what: string, error: unknown): void => {
    if (error instanceof UnsafeFileError) base.diagnostics.push(backupDiagnostic('warning', 'BACKUP_UNSAFE_FILE', `the ${what} ${error.message}`, address));
  };
  base.lock = await lockReport(files.lock, now).catch((error: unknown) => {
    unsafe('lock', error);
    return null;
  });
  const log = await readRunLog(files.log).catch((error: unknown) => {
    unsafe('run log', error);
    return [];
  });
  base.lastRun = log.at(-1) ?? null;
  base.lastSuccess = log.filter((e) => e.result !== 'failed').at(-1) ?? null;
  const loaded = await loadState(files);
  switch (loaded.status) {
    case 'absent':
      base.diagnostics.push(backupDiagnostic('error', 'BACKUP_NO_SERIES', `there is no series "${name}" in ${files.target}`, address));
      return base;
    case 'corrupt':
      base.diagnostics.push(backupDiagnostic('error', 'BACKUP_STATE_CORRUPT', `the series index ${files.state} cannot be read: ${loaded.reason}`, address));
      return base;
    case 'unsafe':
      base.diagnostics.push(backupDiagnostic('error', 'BACKUP_UNSAFE_FILE', `the series index ${loaded.reason}`, address));
      return base;
    case 'ok':
      break;
    default:
      return assertNever(loaded, 'state status');
  }
  const { state } = loaded;
  const policy = { iterations: state.iterations, keepSequences: state.keepSequences };
  const nextIndex = state.currentIndex + 1;
  const archives: ArchiveReport[] = [];
  for (const record of state.archives) {
    // lstat: a link at an archive's name is not the archive, whatever it points to.
    const info = await lstatIfPresent(join(files.target, record.file)).catch(() => undefined);
    const present = info?.isFile() === true;
    archives.push({ ...record, mtime: present ? info!.mtime.toISOString() : null, present, prunedWhenIndex: prunedWhenIndex(record.index, policy) });
  }
  return {
    ...base,
    exists: true,
    iterations: state.iterations,
    keepSequences: state.keepSequences,
    currentIndex: state.currentIndex,
    next: {
      index: nextIndex,
      kind: archiveKind(nextIndex, state.iterations),
      prunes: archives.filter((a) => a.prunedWhenIndex === nextIndex).map((a) => a.index),
    },
    archives,
    totalBytes: archives.reduce((sum, a) => sum + a.sizeBytes, 0),
    snapshotPresent: state.currentIndex === 0 ? null : (await lstatIfPresent(files.snapshot(state.currentIndex)).catch(() => undefined))?.isFile() === true,
    newestArchive: options.verifyNewest ? await checkNewestArchive(files.target, state.archives) : null,
  };
}

async function lockReport(path: string, now: Date): Promise<LockReport | null> {
  const holder = await readLock(path);
  if (!holder) return null;
  const started = Date.parse(holder.startedAt);
  return {
    pid: holder.pid,
    host: holder.host,
    startedAt: holder.startedAt,
    ageSeconds: Number.isNaN(started) ? null : Math.max(0, Math.round((now.getTime() - started) / 1000)),
    liveness: lockLiveness(holder),
  };
}

/** The series of a per-user target: every sub-directory named like a user (others were not made
 * by pytin, and no path is built from their names) holding an index file or a run log of `name`,
 * so that a user whose every run failed shows up (with its last failure) too. */
export async function reportPerUserSeries(target: string, name: string, options: ReportOptions = {}): Promise<SeriesReport[]> {
  // A bad name or a target that is a link: the report of the policy itself says so.
  if (!(await locateSeries(target, name)).ok) return [await reportSeries(target, name, undefined, new Date(), options)];
  const root = resolve(target);
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const reports: SeriesReport[] = [];
  for (const entry of entries.filter((e) => e.isDirectory() && isUserName(e.name)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const files = seriesFiles(seriesDirectory(root, entry.name), name);
    const known = (await lstatIfPresent(files.state).catch(() => undefined)) ?? (await lstatIfPresent(files.log).catch(() => undefined));
    if (known) reports.push(await reportSeries(root, name, entry.name, new Date(), options));
  }
  return reports;
}

export function seriesReportToJson(report: SeriesReport): Record<string, unknown> {
  return { ...report, diagnostics: report.diagnostics.map(diagnosticToJson) };
}
