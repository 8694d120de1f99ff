import { errnoCode } from '../backup-diagnostic.js';
import { appendLine } from '../fs/durable-fs.js';
import { readRegularFile } from '../fs/safe-fs.js';
import type { ArchiveKind } from '../series/rotation.js';

/** A line per run: a log this large was not written by pytin. */
const MAX_LOG_BYTES = 64 << 20;

export type RunResult = 'success' | 'warning' | 'failed';

/** One line of a series' run log (JSON lines), written at the end of every run, failed or not. */
export interface RunLogEntry {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** The index the run made (or tried to make); null if it failed before choosing one. */
  index: number | null;
  kind: ArchiveKind | null;
  result: RunResult;
  bytes: number | null;
  sha256: string | null;
  pruned: number[];
  /** Codes and summaries of the warnings and errors of the run. */
  warnings: string[];
  errors: string[];
  pid: number;
  host: string;
}

/** Every line pytin writes begins so (startedAt is the first key of RunLogEntry). */
const LINE_START = Buffer.from('{"startedAt":"');

/** Whether a log begins as pytin writes one: with a run line, or with nothing at all (empty, or
 * zeros where a crash lost the first line's data). Another program's file of the same name is not
 * appended to. */
function isRunLog(head: Buffer): boolean {
  if (head.every((byte) => byte === 0)) return true;
  return head.subarray(0, LINE_START.length).equals(LINE_START.subarray(0, Math.min(head.length, LINE_START.length)));
}

export async function appendRunLog(path: string, entry: RunLogEntry): Promise<void> {
  await appendLine(path, JSON.stringify(entry), isRunLog);
}

/** All entries of a log; lines that do not parse (a torn last line) are skipped. A log that is a
 * symbolic link or not a regular file throws UnsafeFileError. */
export async function readRunLog(path: string): Promise<RunLogEntry[]> {
  let text: string;
  try {
    text = await readRegularFile(path, MAX_LOG_BYTES);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  const entries: RunLogEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as unknown;
      if (isRunLogEntry(entry)) entries.push(entry);
    } catch {
      // a line cut by a crash
    }
  }
  return entries;
}

/** The fields readers use, with their types: a line of another shape is skipped, not trusted. */
function isRunLogEntry(value: unknown): value is RunLogEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  return (
    typeof e.startedAt === 'string' &&
    typeof e.finishedAt === 'string' &&
    typeof e.durationMs === 'number' &&
    (e.result === 'success' || e.result === 'warning' || e.result === 'failed') &&
    (e.index === null || Number.isSafeInteger(e.index)) &&
    (e.kind === null || e.kind === 'full' || e.kind === 'incremental') &&
    strings(e.warnings) &&
    strings(e.errors) &&
    Array.isArray(e.pruned)
  );
}
