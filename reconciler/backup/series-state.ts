import { readFile } from 'node:fs/promises';
import { isCompression, type Compression } from './compression.js';
import type { ArchiveKind } from './rotation.js';
import { renameDurably, writeFileDurably } from './durable-fs.js';
import type { SeriesFiles } from './series-files.js';
import { errnoCode } from './backup-diagnostic.js';

/** One archive of a series, as recorded when it was committed. */
export interface ArchiveRecord {
  index: number;
  kind: ArchiveKind;
  /** The full archive this one builds on (itself for a full one): restore replays fullIndex..index. */
  fullIndex: number;
  /** File name inside the target directory. */
  file: string;
  compression: Compression;
  sizeBytes: number;
  sha256: string;
  /** When the archive was committed (ISO 8601, UTC). */
  createdAt: string;
  /** tar's exit status: 0, or 1 when files changed while being read. */
  tarExitStatus: 0 | 1;
}

/** The index file of a series. Rewriting it is the single commit point of a run: an archive or
 * snapshot whose index is not recorded here does not exist as far as pytin is concerned. */
export interface SeriesState {
  version: 1;
  name: string;
  iterations: number;
  keepSequences: number;
  /** The last committed index; 0 before the first run. */
  currentIndex: number;
  archives: ArchiveRecord[];
}

export type LoadedState = { status: 'absent' } | { status: 'ok'; state: SeriesState } | { status: 'corrupt'; reason: string };

export function emptyState(name: string, iterations: number, keepSequences: number): SeriesState {
  return { version: 1, name, iterations, keepSequences, currentIndex: 0, archives: [] };
}

export async function loadState(files: SeriesFiles): Promise<LoadedState> {
  let text: string;
  try {
    text = await readFile(files.state, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { status: 'absent' };
    return { status: 'corrupt', reason: (error as Error).message };
  }
  try {
    const reason = checkState(JSON.parse(text) as unknown);
    if (typeof reason === 'string') return { status: 'corrupt', reason };
    return { status: 'ok', state: reason };
  } catch (error) {
    return { status: 'corrupt', reason: (error as Error).message };
  }
}

/** Writes the next index file aside and flushes it; `commitStateAside` makes it the index. */
export async function writeStateAside(files: SeriesFiles, state: SeriesState): Promise<void> {
  await writeFileDurably(files.partialState, `${JSON.stringify(state, null, 2)}\n`);
}

/** Replaces the index by the one written aside, atomically and durably. */
export async function commitStateAside(files: SeriesFiles): Promise<void> {
  await renameDurably(files.partialState, files.state);
}

/** Checks the shape of a parsed index file; returns the typed state or why it is not one. */
function checkState(value: unknown): SeriesState | string {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (v.version !== 1) return `unknown version ${JSON.stringify(v.version)}`;
  for (const key of ['iterations', 'keepSequences', 'currentIndex'] as const) {
    if (!Number.isSafeInteger(v[key])) return `"${key}" is not an integer`;
  }
  if (typeof v.name !== 'string' || !Array.isArray(v.archives)) return 'missing "name" or "archives"';
  for (const a of v.archives as unknown[]) {
    const r = a as Record<string, unknown>;
    if (
      typeof a !== 'object' || a === null ||
      !Number.isSafeInteger(r.index) || !Number.isSafeInteger(r.fullIndex) ||
      (r.kind !== 'full' && r.kind !== 'incremental') ||
      typeof r.file !== 'string' || typeof r.sha256 !== 'string' || typeof r.createdAt !== 'string' ||
      typeof r.compression !== 'string' || !isCompression(r.compression) || !Number.isSafeInteger(r.sizeBytes)
    ) {
      return `archive entry ${JSON.stringify(a)} is malformed`;
    }
  }
  return value as SeriesState;
}
