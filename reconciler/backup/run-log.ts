import type { ArchiveKind } from './rotation.js';
import { appendLine } from './durable-fs.js';
import { errnoCode } from './backup-diagnostic.js';
import { readRegularFile } from './safe-fs.js';

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

export async function appendRunLog(path: string, entry: RunLogEntry): Promise<void> {
  await appendLine(path, JSON.stringify(entry));
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
      entries.push(JSON.parse(line) as RunLogEntry);
    } catch {
      // a line cut by a crash
    }
  }
  return entries;
}
