import { type FileHandle, open, unlink } from 'node:fs/promises';

import { appendToFile, createExclusiveFile } from './safe-fs.js';

/** Flushes a directory, making the renames and links done in it durable. */
export async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates `path` (which must not exist: a temporary name of this run), writes it whole and
 * flushes it; meant to be renamed into place later. On failure the file it created is removed. */
export async function writeNewFileDurably(path: string, content: string): Promise<void> {
  const handle: FileHandle = await createExclusiveFile(path);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await unlink(path).catch(() => undefined);
    throw error;
  } finally {
    await handle.close();
  }
}

/** Appends one line in a single write (O_APPEND: concurrent runs never interleave inside a
 * line), never through a symbolic link, and only to a file whose start `isOurs` recognises. Not
 * flushed: the log is the audit trail, the index file is what must survive a crash, and an fsync
 * here would cost every run another journal commit. */
export async function appendLine(path: string, line: string, isOurs: (head: Buffer) => boolean): Promise<void> {
  await appendToFile(path, `${line}\n`, isOurs);
}
