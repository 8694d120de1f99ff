import { join } from 'node:path';
import { archiveExtension, type Compression } from './compression.js';

/** Where the files of one series live in its target directory. Everything of series NAME starts
 * with `NAME-` or `NAME.` (or `.NAME-` for files being written), so several series can share a
 * target. Temporary files start with a dot and end in `.partial`: a crash leaves only those,
 * which the next run of the series removes under its lock. */
export interface SeriesFiles {
  target: string;
  name: string;
  /** The index: which archives exist, their checksums; replaced atomically, the commit point. */
  state: string;
  lock: string;
  /** JSON lines, one per run. */
  log: string;
  archive(index: number, compression: Compression): string;
  partialArchive(index: number, compression: Compression): string;
  /** The tar --listed-incremental snapshot as it was after `index` was made. */
  snapshot(index: number): string;
  partialSnapshot(index: number): string;
  partialState: string;
}

export const SERIES_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function seriesFiles(target: string, name: string): SeriesFiles {
  return {
    target,
    name,
    state: join(target, `${name}.index.json`),
    lock: join(target, `${name}.lock`),
    log: join(target, `${name}.log.jsonl`),
    archive: (index, compression) => join(target, archiveFileName(name, index, compression)),
    partialArchive: (index, compression) => join(target, `.${archiveFileName(name, index, compression)}.partial`),
    snapshot: (index) => join(target, `${name}-${index}.snar`),
    partialSnapshot: (index) => join(target, `.${name}-${index}.snar.partial`),
    partialState: join(target, `.${name}.index.json.partial`),
  };
}

export function archiveFileName(name: string, index: number, compression: Compression): string {
  return `${name}-${index}${archiveExtension(compression)}`;
}

/** What a directory entry of the target is for series `name`, or undefined if not of it. */
export type SeriesEntry =
  | { role: 'archive'; index: number }
  | { role: 'snapshot'; index: number }
  | { role: 'partial' };

export function classifyEntry(name: string, entry: string): SeriesEntry | undefined {
  if (entry === `.${name}.index.json.partial`) return { role: 'partial' };
  if (entry.startsWith(`.${name}-`)) {
    // Exact shape only: series "home" must not take ".home-alice-3.tar.gz.partial" of series "home-alice".
    return /^\d+\.(tar\.gz|tar\.zst|snar)\.partial$/.test(entry.slice(name.length + 2)) ? { role: 'partial' } : undefined;
  }
  if (!entry.startsWith(`${name}-`)) return undefined;
  const rest = entry.slice(name.length + 1);
  const archive = /^(\d+)\.tar\.(gz|zst)$/.exec(rest);
  if (archive) return { role: 'archive', index: Number(archive[1]) };
  const snapshot = /^(\d+)\.snar$/.exec(rest);
  if (snapshot) return { role: 'snapshot', index: Number(snapshot[1]) };
  return undefined;
}
