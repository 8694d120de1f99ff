import { errnoCode, errorMessage } from '../backup-diagnostic.js';
import { type Compression, isCompression } from '../compression.js';
import { writeNewFileDurably } from '../fs/durable-fs.js';
import { type FileIdentity, readRegularFile, UnsafeFileError } from '../fs/safe-fs.js';
import { type ArchiveKind, archiveKind, fullIndexOf } from './rotation.js';
import { archiveFileName, classifyEntry, type SeriesFiles, type TemporaryFiles } from './series-files.js';

/** One archive of a series, as recorded when it was committed. */
export interface ArchiveRecord {
  index: number;
  kind: ArchiveKind;
  /** The full archive this one builds on (itself for a full one): restore replays fullIndex..index. */
  fullIndex: number;
  /** File name inside the target directory: always `NAME-<index>` and the compression's ending. */
  file: string;
  compression: Compression;
  sizeBytes: number;
  sha256: string;
  /** When the archive was committed (ISO 8601, UTC). */
  createdAt: string;
  /** tar's exit status: 0, or 1 when files changed while being read. */
  tarExitStatus: 0 | 1;
}

/** A file the series owns and has committed to remove (an archive the rotation dropped, a
 * snapshot that is no longer current), with the identity it had when the removal was decided. */
export interface RemovalRecord extends FileIdentity {
  file: string;
}

/** The index file of a series. Rewriting it is the single commit point of a run: an archive or
 * snapshot whose index is not recorded here does not exist as far as pytin is concerned, and pytin
 * removes no file of the target that it does not record here (or in its own lock, for the
 * temporary files of a run). */
export interface SeriesState {
  version: 1;
  name: string;
  iterations: number;
  keepSequences: number;
  /** The last committed index; 0 before the first run. */
  currentIndex: number;
  archives: ArchiveRecord[];
  /** sha256 of the snapshot `NAME-<currentIndex>.snar`: what a run that died while placing it
   * compares a leftover with before removing it. Absent in index files of older versions. */
  snapshotSha256?: string;
  /** Files the committing run removes right after the commit; a later run removes those still
   * there with the same identity (the committing run died, or a removal failed). */
  removing?: RemovalRecord[];
}

export type LoadedState =
  | { status: 'absent' }
  | { status: 'ok'; state: SeriesState }
  | { status: 'corrupt'; reason: string }
  /** The index is a symbolic link or not a regular file: not read. */
  | { status: 'unsafe'; reason: string };

export function emptyState(name: string, iterations: number, keepSequences: number): SeriesState {
  return { version: 1, name, iterations, keepSequences, currentIndex: 0, archives: [] };
}

/** An index holds one short record per archive: anything much larger was not written by pytin. */
const MAX_STATE_BYTES = 64 << 20;

export async function loadState(files: SeriesFiles): Promise<LoadedState> {
  return loadStateFile(files.state, files.name);
}

/** Reads an index file (the committed one, or a temporary one a dead run left) of series `name`. */
export async function loadStateFile(path: string, name: string): Promise<LoadedState> {
  let text: string;
  try {
    text = await readRegularFile(path, MAX_STATE_BYTES);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { status: 'absent' };
    if (error instanceof UnsafeFileError) return { status: 'unsafe', reason: error.message };
    return { status: 'corrupt', reason: errorMessage(error) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    // V8's message quotes the start of the text: never echo a file's content into reports.
    const position = /at position (\d+)/.exec(errorMessage(error));
    return { status: 'corrupt', reason: `not valid JSON${position ? ` (at position ${position[1]})` : ''}` };
  }
  const checked = checkState(parsed, name);
  return typeof checked === 'string' ? { status: 'corrupt', reason: checked } : { status: 'ok', state: checked };
}

/** Writes the next index file under the run's temporary name and flushes it; the commit
 * (archive-commit.ts) renames it into the index. Until then it is the journal of the commit: what the run is placing. */
export async function writeStateAside(temporary: TemporaryFiles, state: SeriesState): Promise<void> {
  await writeNewFileDurably(temporary.state, `${JSON.stringify(state, null, 2)}\n`);
}

const SHA256 = /^[0-9a-f]{64}$/;

function isIdentity(r: Record<string, unknown>): boolean {
  return Number.isSafeInteger(r.ino) && Number.isSafeInteger(r.sizeBytes) && typeof r.mtimeMs === 'number' && Number.isFinite(r.mtimeMs);
}

/** Checks the shape of a parsed index file; returns the typed state or why it is not one. Every
 * file name in it is checked against the series' own naming: the engine opens and removes the
 * files an index names, so a name that could point anywhere else is never accepted. */
function checkState(value: unknown, name: string): SeriesState | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (v.version !== 1) return `unknown version ${JSON.stringify(v.version)?.slice(0, 40)}`;
  for (const key of ['iterations', 'keepSequences', 'currentIndex'] as const) {
    if (!Number.isSafeInteger(v[key])) return `"${key}" is not an integer`;
  }
  if ((v.iterations as number) < 1 || (v.keepSequences as number) < 0 || (v.currentIndex as number) < 0)
    return 'iterations, keepSequences or currentIndex out of range';
  if (v.name !== name) return `it belongs to series ${JSON.stringify(v.name)?.slice(0, 140)}, not "${name}"`;
  if (!Array.isArray(v.archives)) return 'missing "archives"';
  const iterations = v.iterations as number;
  for (const [position, a] of (v.archives as unknown[]).entries()) {
    const r = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
    const wellFormed =
      Number.isSafeInteger(r.index) &&
      (r.index as number) >= 1 &&
      (r.index as number) <= (v.currentIndex as number) &&
      r.fullIndex === fullIndexOf(r.index as number, iterations) &&
      r.kind === archiveKind(r.index as number, iterations) &&
      typeof r.compression === 'string' &&
      isCompression(r.compression) &&
      r.file === archiveFileName(name, r.index as number, r.compression) &&
      typeof r.sha256 === 'string' &&
      SHA256.test(r.sha256) &&
      typeof r.createdAt === 'string' &&
      Number.isSafeInteger(r.sizeBytes);
    if (!wellFormed) return `archive entry ${position + 1} is malformed or names a file that is not of this series`;
  }
  if (v.snapshotSha256 !== undefined && (typeof v.snapshotSha256 !== 'string' || !SHA256.test(v.snapshotSha256))) return '"snapshotSha256" is malformed';
  if (v.removing !== undefined) {
    if (!Array.isArray(v.removing)) return '"removing" is not a list';
    for (const [position, e] of (v.removing as unknown[]).entries()) {
      const r = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
      if (typeof r.file !== 'string' || classifyEntry(name, r.file) === undefined || !isIdentity(r)) {
        return `removal entry ${position + 1} is malformed or names a file that is not of this series`;
      }
    }
  }
  return value as SeriesState;
}
