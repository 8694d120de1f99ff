import { appendFile, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Flushes a file's data to the disk. A rename is only durable after the renamed file's data
 * and then its directory are flushed. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function fsyncDirectory(path: string): Promise<void> {
  await fsyncFile(path);
}

/** Writes a whole file and flushes it; meant for a temporary name renamed into place later. */
export async function writeFileDurably(path: string, content: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Renames a flushed file into place and flushes the directory: a reader (or a crash) sees the
 * old file or the new one, never a half-written one. */
export async function renameDurably(from: string, to: string): Promise<void> {
  await rename(from, to);
  await fsyncDirectory(dirname(to));
}

/** Appends one line in a single write (O_APPEND: concurrent runs never interleave inside a
 * line). Not flushed: the log is the audit trail, the index file is what must survive a crash,
 * and an fsync here would cost every run another journal commit. */
export async function appendLine(path: string, line: string): Promise<void> {
  await appendFile(path, `${line}\n`);
}
