import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

import { errnoCode } from '../backup-diagnostic.js';

/** The modes of everything the engine creates. Archives hold every user's files, so nothing the
 * engine creates may be readable by anyone but the account running it, whatever its umask: modes
 * are set explicitly on the open descriptor (fchmod), never left to the umask. */
export const FILE_MODE = 0o600;
export const DIRECTORY_MODE = 0o700;

const { O_RDONLY, O_RDWR, O_WRONLY, O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY, O_DIRECTORY } = constants;

/** A file of a series that is a symbolic link or not a regular file. The engine never follows,
 * writes, chmods or removes such a file: someone else put it there. */
export class UnsafeFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} ${reason}; pytin does not follow or touch it`);
  }
}

/** Opens an existing regular file without following a symbolic link in its last component, and
 * without blocking on a FIFO or taking a terminal planted under its name. */
export async function openRegularFile(path: string, access: 'read' | 'append' = 'read'): Promise<FileHandle> {
  // Appending also reads: appendToFile looks at the start of the file first.
  const flags = (access === 'read' ? O_RDONLY : O_RDWR | O_APPEND) | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
  let handle: FileHandle;
  try {
    handle = await open(path, flags);
  } catch (error) {
    throw unsafeOr(error, path);
  }
  let info: Stats;
  try {
    info = await handle.stat();
  } catch (error) {
    await handle.close();
    throw error;
  }
  if (!info.isFile()) {
    await handle.close();
    throw new UnsafeFileError(path, 'is not a regular file');
  }
  return handle;
}

/** Creates a new file, failing if anything (a file, a symbolic link, dangling or not) already has
 * the name, with mode 0600 set on the descriptor. Read-write: the engine hashes what tar wrote. */
export async function createExclusiveFile(path: string): Promise<FileHandle> {
  const handle = await open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY, FILE_MODE);
  try {
    await handle.chmod(FILE_MODE);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/** The whole content of a small regular file (an index, a lock, a log), never through a link. */
export async function readRegularFile(path: string, maxBytes: number): Promise<string> {
  const handle = await openRegularFile(path);
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new UnsafeFileError(path, `is ${size} bytes, more than the ${maxBytes} such a file can hold`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Appends `text` in one write (O_APPEND), creating the file 0600 if it is missing. An existing
 * file keeps its mode (pytin cannot tell that an older version of itself created it), and is only
 * appended to if `isOurs` accepts its first bytes: a file of another program that happens to have
 * the name is not written to (UnsafeFileError). */
export async function appendToFile(path: string, text: string, isOurs: (head: Buffer) => boolean): Promise<void> {
  let handle: FileHandle;
  let created = false;
  try {
    handle = await open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY, FILE_MODE);
    created = true;
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
    handle = await openRegularFile(path, 'append');
  }
  try {
    if (created) {
      await handle.chmod(FILE_MODE);
    } else {
      const head = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
      if (!isOurs(head.subarray(0, bytesRead))) throw new UnsafeFileError(path, 'does not begin as pytin writes it');
    }
    await handle.write(text);
  } finally {
    await handle.close();
  }
}

/** How much of an existing file `appendToFile` shows to its `isOurs`. */
const HEAD_BYTES = 64;

/** Makes `path` a directory: each missing component is created 0700 (and chmodded so through a
 * descriptor, so a weird umask cannot leave it without owner bits). A directory that exists keeps
 * its mode: pytin never chmods a folder it did not create. The last component must not be a
 * symbolic link (the caller would write wherever it points); links higher up are the operator's
 * layout and are followed. Returns the directories created, outermost first. */
export async function makeDirectory(path: string): Promise<string[]> {
  const missing: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    const info = await lstat(current).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    });
    if (info !== undefined) {
      if (current === path && info.isSymbolicLink()) throw new UnsafeFileError(path, 'is a symbolic link');
      break;
    }
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  const created: string[] = [];
  for (const directory of missing) {
    try {
      await mkdir(directory, DIRECTORY_MODE);
    } catch (error) {
      // Made by someone else meanwhile: not ours, so not chmodded; the checks after this see it.
      if (errnoCode(error) === 'EEXIST') continue;
      throw error;
    }
    created.push(directory);
    await chmodCreatedDirectory(directory);
  }
  return created;
}

/** chmod 0700 through a descriptor opened without following a link, and only if the directory is
 * owned by the account running pytin: had it been swapped since the mkdir, it would not be ours. */
async function chmodCreatedDirectory(directory: string): Promise<void> {
  const handle = await open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NOCTTY).catch((error: unknown) => {
    throw unsafeOr(error, directory);
  });
  try {
    const info = await handle.stat();
    if (info.uid === process.geteuid?.()) await handle.chmod(DIRECTORY_MODE);
  } finally {
    await handle.close();
  }
}

/** What identifies a file the engine recorded for removal: the inode with its size and
 * modification time. A file at the same name with another identity is not the one recorded. */
export interface FileIdentity {
  ino: number;
  sizeBytes: number;
  mtimeMs: number;
}

export function identityOf(info: Stats): FileIdentity {
  return { ino: info.ino, sizeBytes: info.size, mtimeMs: info.mtimeMs };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.sizeBytes === b.sizeBytes && a.mtimeMs === b.mtimeMs;
}

/** lstat, or undefined when nothing has the name. */
export async function lstatIfPresent(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function unsafeOr(error: unknown, path: string): unknown {
  switch (errnoCode(error)) {
    case 'ELOOP':
      return new UnsafeFileError(path, 'is a symbolic link');
    case 'ENXIO': // a FIFO without a writer, or a socket
    case 'EISDIR':
      return new UnsafeFileError(path, 'is not a regular file');
    default:
      return error;
  }
}
