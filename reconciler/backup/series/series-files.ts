import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { InternalError } from '../../../inventory/core/errors.js';
import { archiveExtension, type Compression } from '../compression.js';

/** Where the files of one series live in its target directory. Everything of series NAME starts
 * with `NAME-` or `NAME.` (or `.NAME` for the temporary files of a run), so several series can
 * share a target. */
export interface SeriesFiles {
  target: string;
  name: string;
  /** The index: which archives exist, their checksums; replaced atomically, the commit point. */
  state: string;
  lock: string;
  /** JSON lines, one per run. */
  log: string;
  archive(index: number, compression: Compression): string;
  /** The tar --listed-incremental snapshot as it was after `index` was made. */
  snapshot(index: number): string;
}

/** A series name: a plain file-name word. It becomes part of file names, so it can never hold a
 * path separator, start with "." or "-", or be long enough to overflow a file name. */
export const SERIES_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A user of a per-user series, which names its folder TARGET/USER: no separator, NUL or
 * newline, no leading "." (so never "." or "..") or "-" (never read as an option). "@" is allowed
 * for the user@domain homes of directory services. */
export const USER_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._@-]{0,127}$/;

/** The token of one run: it names the run's temporary files and is recorded in its lock, so the
 * run that takes over a dead lock knows exactly which temporary files the dead run made. */
export const RUN_TOKEN_PATTERN = /^[0-9a-f]{32}$/;

export function newRunToken(): string {
  return randomBytes(16).toString('hex');
}

export function isSeriesName(name: string): boolean {
  return SERIES_NAME_PATTERN.test(name);
}

export function isUserName(user: string): boolean {
  return USER_NAME_PATTERN.test(user);
}

/** The folder of a series: the target, or TARGET/USER for one user of a per-user policy. Callers
 * check the user first and report a bad one; this refuses to build a path from an unchecked name. */
export function seriesDirectory(target: string, user?: string): string {
  if (user === undefined) return target;
  if (!isUserName(user)) throw new InternalError(`unchecked user name ${JSON.stringify(user)} reached seriesDirectory`);
  return join(target, user);
}

export function seriesFiles(target: string, name: string): SeriesFiles {
  if (!isSeriesName(name)) throw new InternalError(`unchecked series name ${JSON.stringify(name)} reached seriesFiles`);
  return {
    target,
    name,
    state: join(target, `${name}.index.json`),
    lock: join(target, `${name}.lock`),
    log: join(target, `${name}.log.jsonl`),
    archive: (index, compression) => join(target, archiveFileName(name, index, compression)),
    snapshot: (index) => join(target, snapshotFileName(name, index)),
  };
}

/** The temporary files of the run with `token`: created by that run (exclusively, never over an
 * existing name) and removed by it, or by the run that takes over its lock if it died. */
export interface TemporaryFiles {
  token: string;
  archive(index: number, compression: Compression): string;
  snapshot(index: number): string;
  /** The next index file: also the journal of a commit in progress (what it is placing). */
  state: string;
  /** Where the lock is written before it is linked into place. */
  lock: string;
}

export function temporaryFiles(files: SeriesFiles, token: string): TemporaryFiles {
  if (!RUN_TOKEN_PATTERN.test(token)) throw new InternalError(`unchecked run token ${JSON.stringify(token)} reached temporaryFiles`);
  const temporary = (finalName: string) => join(files.target, `.${finalName}.${token}.partial`);
  return {
    token,
    archive: (index, compression) => temporary(archiveFileName(files.name, index, compression)),
    snapshot: (index) => temporary(snapshotFileName(files.name, index)),
    state: temporary(`${files.name}.index.json`),
    lock: temporary(`${files.name}.lock`),
  };
}

/** Whether `entry` is a temporary file of series `name` made by the run with `token`. */
export function isTemporaryOf(name: string, token: string, entry: string): boolean {
  const suffix = `.${token}.partial`;
  if (!entry.startsWith(`.${name}`) || !entry.endsWith(suffix)) return false;
  const finalName = entry.slice(1, -suffix.length);
  if (finalName === `${name}.index.json` || finalName === `${name}.lock`) return true;
  const role = classifyEntry(name, finalName);
  return role?.role === 'archive' || role?.role === 'snapshot';
}

export function archiveFileName(name: string, index: number, compression: Compression): string {
  return `${name}-${index}${archiveExtension(compression)}`;
}

export function snapshotFileName(name: string, index: number): string {
  return `${name}-${index}.snar`;
}

/** What a directory entry of the target is for series `name` by its name alone, or undefined if
 * not of it. A name is no proof of ownership: only the index says which of these pytin made. */
export type SeriesEntry = { role: 'archive'; index: number } | { role: 'snapshot'; index: number };

export function classifyEntry(name: string, entry: string): SeriesEntry | undefined {
  // Exact shape only: series "home" must not take "home-alice-3.tar.gz" of series "home-alice".
  if (!entry.startsWith(`${name}-`)) return undefined;
  const rest = entry.slice(name.length + 1);
  const archive = /^([1-9]\d*)\.tar\.(gz|zst)$/.exec(rest);
  if (archive) return { role: 'archive', index: Number(archive[1]) };
  const snapshot = /^([1-9]\d*)\.snar$/.exec(rest);
  if (snapshot) return { role: 'snapshot', index: Number(snapshot[1]) };
  return undefined;
}
