import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { errorCodeOf, refusalOfFsError } from './classify-failure.js';
import { pseudoFilesystemOf } from './pseudo-filesystems.js';
import { StoreRefusedError } from './store-error.js';

/** The store holds what pytin observed and applied: only the user running pytin reads it.
 * Both modes are set explicitly after creation, because mkdir and open only ever narrow their
 * mode by the umask and a umask of 000 would otherwise leave nothing to narrow. */
const FOLDER_MODE = 0o700;
const FILE_MODE = 0o600;

function describeKind(stats: Stats): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'something other than a file or folder';
}

/** The nearest folder at or above `folder` that exists. Stops at the first thing that exists,
 * so a regular file in the middle of the path is named rather than reported as ENOTDIR. */
async function nearestExistingFolder(folder: string, storePath: string): Promise<string> {
  for (let current = folder; ; current = dirname(current)) {
    let found: Stats;
    try {
      found = await stat(current);
    } catch (error) {
      const code = errorCodeOf(error);
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(current) !== current) continue;
      throw refusalOfFsError(error, `reach the folder ${current}`);
    }
    if (!found.isDirectory()) {
      throw new StoreRefusedError('STORE_PATH_INVALID', `cannot create ${storePath}: ${current} is ${describeKind(found)}, not a folder. Use another --store`);
    }
    return current;
  }
}

async function refusePseudoFilesystem(where: string, storePath: string): Promise<void> {
  let pseudo: string | undefined;
  try {
    pseudo = await pseudoFilesystemOf(where);
  } catch (error) {
    throw refusalOfFsError(error, `check the filesystem of ${where}`);
  }
  if (pseudo) {
    throw new StoreRefusedError(
      'STORE_PATH_INVALID',
      `${storePath} is on ${pseudo} (${where}), a kernel pseudo filesystem that cannot hold a database. Use a path on a disk, e.g. the default .pytin/store.sqlite beside the inventory`,
    );
  }
}

/** Creates the missing folders between `existing` and `folder`, each 0700. Only folders pytin
 * creates get their mode set; an existing folder is the operator's. */
async function createFolders(existing: string, folder: string): Promise<void> {
  const missing: string[] = [];
  for (let current = folder; current !== existing; current = dirname(current)) missing.unshift(current);
  for (const created of missing) {
    try {
      await mkdir(created, { mode: FOLDER_MODE });
    } catch (error) {
      // Another pytin creating the same store at the same time is fine.
      if (errorCodeOf(error) === 'EEXIST' && (await stat(created).catch(() => undefined))?.isDirectory()) continue;
      throw refusalOfFsError(error, `create the folder ${created}`);
    }
    await setMode(created, FOLDER_MODE, constants.O_RDONLY | constants.O_DIRECTORY, `set the mode of the folder ${created}`);
  }
}

/** chmod through a descriptor opened without following links, so that a link swapped in
 * meanwhile is not what gets chmodded. */
async function setMode(path: string, mode: number, flags: number, doing: string): Promise<void> {
  try {
    const handle = await open(path, flags | constants.O_NOFOLLOW);
    try {
      await handle.chmod(mode);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw refusalOfFsError(error, doing);
  }
}

/** Creates an empty store file, 0600. O_EXCL|O_NOFOLLOW: never opens something planted at the
 * path meanwhile (a link, a FIFO); returns false if something is there now. */
async function createStoreFile(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, FILE_MODE);
  } catch (error) {
    if (errorCodeOf(error) === 'EEXIST') return false;
    throw refusalOfFsError(error, `create ${path}`);
  }
  try {
    await handle.chmod(FILE_MODE);
  } catch (error) {
    throw refusalOfFsError(error, `set the mode of ${path}`);
  } finally {
    await handle.close();
  }
  return true;
}

/** What is at the store path must be a regular file: a FIFO blocks the open, a device such as
 * /dev/zero reads as endless data, and a symbolic link would let whoever planted it choose
 * which file pytin writes. */
async function refuseWhatIsNotAFile(path: string, found: Stats): Promise<void> {
  if (found.isSymbolicLink()) {
    const target = await readlink(path).catch(() => '?');
    throw new StoreRefusedError(
      'STORE_PATH_SYMLINK',
      `${path} is a symbolic link (to ${target}); pytin does not follow it, since a planted link would redirect its writes. If the target is the store, pass it as --store`,
    );
  }
  if (!found.isFile()) throw new StoreRefusedError('STORE_PATH_INVALID', `${path} is ${describeKind(found)}, not a regular file. Use a path to a store file`);
  // A kernel file bind-mounted onto the path is a regular file on a pseudo filesystem.
  await refusePseudoFilesystem(path, path);
}

/** Makes sure the store path can hold a store before SQLite touches it: no kernel pseudo
 * filesystem, no parent that is a file, nothing but a regular file at the path. Creates the
 * missing folders (0700) and, if nothing is there, an empty store file (0600). Changes nothing
 * that already exists. Throws StoreRefusedError.
 *
 * Returns the path to open: the folder with its links resolved (an operator may well link
 * /var/lib/pytin to a data disk), the file name as given. SQLite opens it with
 * SQLITE_OPEN_NOFOLLOW, which refuses a link anywhere in the path, so a link planted at the
 * file after these checks still cannot redirect the writes. */
export async function prepareStorePath(path: string): Promise<string> {
  await checkAndCreate(path);
  try {
    return join(await realpath(dirname(path)), basename(path));
  } catch (error) {
    throw refusalOfFsError(error, `resolve the folder ${dirname(path)}`);
  }
}

async function checkAndCreate(path: string): Promise<void> {
  const folder = dirname(path);
  const existing = await nearestExistingFolder(folder, path);
  await refusePseudoFilesystem(existing, path);
  await createFolders(existing, folder);
  let found: Stats | undefined;
  try {
    found = await lstat(path);
  } catch (error) {
    if (errorCodeOf(error) !== 'ENOENT') throw refusalOfFsError(error, `check ${path}`);
  }
  if (found) return refuseWhatIsNotAFile(path, found);
  if (await createStoreFile(path)) return;
  // Something appeared at the path since the lstat (another pytin creating the store): check it.
  await refuseWhatIsNotAFile(path, await lstat(path).catch((error: unknown) => Promise.reject(refusalOfFsError(error, `check ${path}`))));
}
