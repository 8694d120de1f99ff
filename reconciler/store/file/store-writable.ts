import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';

import { refusalOfFsError } from './classify-failure.js';

/** pytin writes the store file and creates -wal and -shm beside it, so both the file and its
 * folder must be writable. Checked before SQLite opens the file because SQLite, refused write
 * access, silently opens it read-only: `lock status` would work and the next apply fail at its
 * first write. access(2) answers as the kernel would for a write: for root, only an immutable
 * attribute or a read-only mount refuses, which is also all that stops root's writes. */
export async function refuseUnwritableStore(path: string): Promise<void> {
  for (const [target, what] of [
    [path, path],
    [dirname(path), `the folder ${dirname(path)}`],
  ] as const) {
    try {
      await access(target, constants.W_OK);
    } catch (error) {
      throw refusalOfFsError(error, `write ${what}`);
    }
  }
}
