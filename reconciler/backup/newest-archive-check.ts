import { join } from 'node:path';

import { sha256OfHandle } from './fs/archive-checksum.js';
import { openRegularFile, UnsafeFileError } from './fs/safe-fs.js';
import type { ArchiveRecord } from './series/series-state.js';

/** What reading the newest archive back found: `ok` (the size and sha256 recorded when it was
 * made), `missing`, `unsafe` (a link or not a regular file at its name), `size` or `checksum`
 * (the bytes changed since: it would not restore as made). */
export type NewestArchiveResult = 'ok' | 'missing' | 'unsafe' | 'size' | 'checksum';

export interface NewestArchiveCheck {
  index: number;
  file: string;
  result: NewestArchiveResult;
  /** What is on disk now (null when it could not be read). */
  sizeBytes: number | null;
  sha256: string | null;
}

/** Reads the newest archive of a series through one descriptor opened without following a link,
 * and compares it with its record. The newest is the one the next restore of the latest state
 * needs, and the one a failing disk or a hand edit most recently touched; checking every archive
 * is `backup verify`'s job (it also reads each through tar). */
export async function checkNewestArchive(target: string, archives: readonly ArchiveRecord[]): Promise<NewestArchiveCheck | null> {
  const newest = archives.reduce<ArchiveRecord | undefined>((best, a) => (best === undefined || a.index > best.index ? a : best), undefined);
  if (!newest) return null;
  const base = { index: newest.index, file: newest.file };
  let handle;
  try {
    handle = await openRegularFile(join(target, newest.file));
  } catch (error) {
    return { ...base, result: error instanceof UnsafeFileError ? 'unsafe' : 'missing', sizeBytes: null, sha256: null };
  }
  try {
    const sizeBytes = (await handle.stat()).size;
    const sha256 = await sha256OfHandle(handle);
    const result: NewestArchiveResult = sizeBytes !== newest.sizeBytes ? 'size' : sha256 !== newest.sha256 ? 'checksum' : 'ok';
    return { ...base, result, sizeBytes, sha256 };
  } finally {
    await handle.close();
  }
}
