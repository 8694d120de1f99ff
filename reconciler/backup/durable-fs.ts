import { open, rename } from 'node:fs/promises';
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

/** Replaces `path` by `content` atomically: a reader (or a crash) sees the old or the new file,
 * never a half-written one. */
export async function writeFileAtomic(path: string, temporaryPath: string, content: string): Promise<void> {
  const handle = await open(temporaryPath, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporaryPath, path);
  await fsyncDirectory(dirname(path));
}

/** Appends one line and flushes it, so a log line of a run survives a crash right after it. */
export async function appendLineDurably(path: string, line: string): Promise<void> {
  const handle = await open(path, 'a');
  try {
    await handle.writeFile(`${line}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

