import { createHash } from 'node:crypto';

/** The git blob id of these bytes (what `git hash-object` prints for a file holding them, in a
 * SHA-1 repository). Computed from the bytes pytin is about to parse, never taken from a field
 * that could describe other bytes: the key of a cache entry is the content it was made from. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** The cache key of one inventory file: its content and its path (every diagnostic and resource
 * of a file names the file, so the same bytes under another path give other results). */
export function fileContentKey(path: string, bytes: Uint8Array): string {
  return `${gitBlobId(bytes)} ${path}`;
}
