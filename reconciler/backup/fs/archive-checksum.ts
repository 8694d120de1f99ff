import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

import { openRegularFile } from './safe-fs.js';

/** sha256 of an open file from its start, hex, read with positioned reads: the descriptor's offset
 * is left where it was (a tar started on it afterwards reads from the start). */
export async function sha256OfHandle(handle: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (let position = 0; ;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest('hex');
}

/** sha256 of a regular file, hex; a symbolic link is refused, not followed. */
export async function sha256OfFile(path: string): Promise<string> {
  const handle = await openRegularFile(path);
  try {
    return await sha256OfHandle(handle);
  } finally {
    await handle.close();
  }
}
