import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The layout of the cache file. One file, read whole: an 8-byte magic, a 4-byte header length, the
// header (JSON: the code identity the entries were made by, each entry's key and length), the
// entries back to back, then the SHA-256 of everything before it. Entries stay opaque bytes here,
// so a rewrite copies the entries it keeps without decoding them.

const MAGIC = Buffer.from('PYTINIC1', 'latin1');
const DIGEST_BYTES = 32;
const GITIGNORE = '# pytin state (made by pytin): never committed\n*\n';

interface CacheHeader {
  identity: string;
  entries: Array<[key: string, length: number]>;
}

function digest(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function isHeader(value: unknown): value is CacheHeader {
  if (value === null || typeof value !== 'object') return false;
  const { identity, entries } = value as Record<string, unknown>;
  return (
    typeof identity === 'string' &&
    Array.isArray(entries) &&
    entries.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && Number.isSafeInteger(e[1]) && (e[1] as number) >= 0)
  );
}

/** The entries of the cache file at `path` made by the code `identity`, by key. Anything else — no
 * file, another identity, a truncated or damaged file — is an empty cache: a cache never fails a
 * run and never supplies bytes other than those written (the checksum covers every byte). */
export function readCacheFile(path: string, identity: string): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return entries;
  }
  const minimum = MAGIC.length + 4 + DIGEST_BYTES;
  if (file.length < minimum || !file.subarray(0, MAGIC.length).equals(MAGIC)) return entries;
  const body = file.subarray(0, file.length - DIGEST_BYTES);
  if (!digest(body).equals(file.subarray(body.length))) return entries;
  const headerLength = body.readUInt32BE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  if (headerEnd > body.length) return entries;
  let header: unknown;
  try {
    header = JSON.parse(body.subarray(MAGIC.length + 4, headerEnd).toString('utf8'));
  } catch {
    return entries;
  }
  if (!isHeader(header) || header.identity !== identity) return entries;
  let offset = headerEnd;
  for (const [key, length] of header.entries) {
    if (offset + length > body.length) return new Map();
    entries.set(key, body.subarray(offset, offset + length));
    offset += length;
  }
  return offset === body.length ? entries : new Map();
}

/** Writes the cache file whole: to a temporary file beside it, then renamed over it. Two pytin
 * processes that write at once each rename a complete file; the last one wins, and a reader sees
 * one file or the other, never a mix. Returns false (and leaves no temporary file) when the folder
 * cannot be written: a cache that cannot be saved only makes the next run cold. */
export function writeCacheFile(path: string, identity: string, entries: ReadonlyMap<string, Uint8Array>): boolean {
  const header: CacheHeader = { identity, entries: [...entries].map(([key, bytes]) => [key, bytes.length]) };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(headerBytes.length);
  const body = Buffer.concat([MAGIC, length, headerBytes, ...entries.values()]);
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    // A state folder made here is kept out of git by a .gitignore of its own: pytin's state in
    // git is refused (TRUST_STATE_IN_GIT), and `git add -A` after a validate must not commit it.
    if (mkdirSync(dirname(path), { recursive: true, mode: 0o700 }) !== undefined) writeFileSync(join(dirname(path), '.gitignore'), GITIGNORE);
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, body);
      writeSync(fd, digest(body));
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
    return true;
  } catch {
    rmSync(temporary, { force: true });
    return false;
  }
}
