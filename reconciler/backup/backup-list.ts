import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { diagnosticToJson, type Diagnostic } from '../../inventory/core/diagnostic.js';
import { assertNever } from '../../inventory/core/errors.js';
import { backupDiagnostic, seriesAddress } from './backup-diagnostic.js';
import { lockLiveness, readLock, type LockLiveness } from './backup-lock.js';
import { archiveKind, prunedWhenIndex, type ArchiveKind } from './rotation.js';
import { readRunLog, type RunLogEntry } from './run-log.js';
import { seriesFiles } from './series-files.js';
import { loadState, type ArchiveRecord } from './series-state.js';

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
  diagnostics: Diagnostic[];
}

export async function reportSeries(target: string, name: string, user?: string, now = new Date()): Promise<SeriesReport> {
  const files = seriesFiles(resolve(target), name);
  const address = seriesAddress(name, user);
  const base: SeriesReport = {
    address,
    name,
    user: user ?? null,
    target: files.target,
    exists: false,
    iterations: null,
    keepSequences: null,
    currentIndex: null,
    next: { index: 1, kind: 'full', prunes: [] },
    archives: [],
    totalBytes: 0,
    lock: await lockReport(files.lock, now),
    lastRun: null,
    lastSuccess: null,
    snapshotPresent: null,
    diagnostics: [],
  };
  const log = await readRunLog(files.log).catch(() => []);
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
    const info = await stat(join(files.target, record.file)).catch(() => undefined);
    archives.push({ ...record, mtime: info ? info.mtime.toISOString() : null, present: info !== undefined, prunedWhenIndex: prunedWhenIndex(record.index, policy) });
  }
  return {
    ...base,
    exists: true,
    iterations: state.iterations,
    keepSequences: state.keepSequences,
    currentIndex: state.currentIndex,
    next: { index: nextIndex, kind: archiveKind(nextIndex, state.iterations), prunes: archives.filter((a) => a.prunedWhenIndex === nextIndex).map((a) => a.index) },
    archives,
    totalBytes: archives.reduce((sum, a) => sum + a.sizeBytes, 0),
    snapshotPresent: state.currentIndex === 0 ? null : (await stat(files.snapshot(state.currentIndex)).catch(() => undefined)) !== undefined,
  };
}

async function lockReport(path: string, now: Date): Promise<LockReport | null> {
  const holder = await readLock(path).catch(() => undefined);
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

/** The series of a per-user target: every sub-directory holding an index file or a run log of
 * `name`, so that a user whose every run failed shows up (with its last failure) too. */
export async function reportPerUserSeries(target: string, name: string): Promise<SeriesReport[]> {
  const entries = await readdir(target, { withFileTypes: true }).catch(() => []);
  const reports: SeriesReport[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const files = seriesFiles(join(target, entry.name), name);
    const known = (await stat(files.state).catch(() => undefined)) ?? (await stat(files.log).catch(() => undefined));
    if (known) reports.push(await reportSeries(join(target, entry.name), name, entry.name));
  }
  return reports;
}

export function seriesReportToJson(report: SeriesReport): Record<string, unknown> {
  return { ...report, diagnostics: report.diagnostics.map(diagnosticToJson) };
}
