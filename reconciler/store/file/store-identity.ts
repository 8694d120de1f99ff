import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';

import { MIGRATIONS } from '../migrations.js';
import { refusalOfFsError } from './classify-failure.js';
import { openSqlite, type SqliteDatabase } from './sqlite.js';
import { StoreRefusedError } from './store-error.js';
import { StoreFailedError } from './store-failed-error.js';

/** pytin's SQLite application_id ("PTIN"), written into every store it makes (header offset 68).
 * Permanent: changing it would make every existing store look foreign. */
export const PYTIN_APPLICATION_ID = 0x5054494e;

/** What the file at the store path is. `empty`: nothing to prove, pytin makes it a store;
 * `pytin`: carries pytin's application_id; `pytin-unmarked`: made by a release that did not set
 * the application_id, recognised by its schema_migrations rows. */
export type StoreIdentity = 'empty' | 'pytin' | 'pytin-unmarked';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;
const APPLICATION_ID_OFFSET = 68;

const LEAVE_IT = "pytin left it unchanged. Point --store at pytin's store, or at a path that does not exist yet";

/** The first 100 bytes, read without SQLite so nothing (lock, -wal, -shm, -journal) is touched. */
async function readHeader(path: string): Promise<{ size: number; header: Buffer }> {
  // O_NONBLOCK: had a FIFO replaced the file since it was checked, opening it must not hang.
  // O_NOFOLLOW: nor may a link planted meanwhile be read through (ELOOP: refused).
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((error: unknown) => {
    throw refusalOfFsError(error, `read ${path}`);
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new StoreRefusedError('STORE_PATH_INVALID', `${path} is not a regular file. Use a path to a store file`);
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0).catch((error: unknown) => {
      throw refusalOfFsError(error, `read ${path}`);
    });
    return { size: stats.size, header: header.subarray(0, bytesRead) };
  } finally {
    await handle.close();
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  return (await stat(path).catch(() => undefined))?.size;
}

/** The (version, name) rows of a schema_migrations table, or undefined if there is no such
 * table with those columns. */
async function migrationRows(db: SqliteDatabase): Promise<{ version: unknown; name: unknown }[] | undefined> {
  try {
    return await db.all<{ version: number; name: string }>('SELECT version, name FROM schema_migrations');
  } catch (error) {
    if (error instanceof StoreFailedError) throw error;
    return undefined; // no such table or column: SQLITE_ERROR, which is an answer here, not a failure
  }
}

/** A database pytin made before it set the application_id has a schema_migrations table whose
 * every row is one of pytin's migrations (same version, same name: a released migration is never
 * renamed). A table of the same name from another tool (Rails keeps one) does not match. */
function arePytinMigrations(rows: readonly { version: unknown; name: unknown }[]): boolean {
  const names = new Map(MIGRATIONS.map((m) => [m.version, m.name]));
  return rows.length > 0 && rows.every((row) => typeof row.version === 'number' && names.get(row.version) === row.name);
}

/** Looks inside with a connection that cannot write the database. Immutable (nothing created
 * beside it) unless a -wal or -journal is there: then another connection may be using it, or
 * crashed with committed pages only in the WAL, and an immutable read could miss pytin's tables. */
async function inspect(path: string): Promise<StoreIdentity> {
  const journalled = (await sizeOf(`${path}-wal`)) !== undefined || (await sizeOf(`${path}-journal`)) !== undefined;
  let db: SqliteDatabase;
  try {
    db = await openSqlite(path, { access: journalled ? 'read-only' : 'immutable' });
  } catch (error) {
    if (error instanceof StoreFailedError) throw StoreRefusedError.fromFailure(error);
    throw error;
  }
  try {
    const applicationId = Number((await db.get<{ application_id: number }>('PRAGMA application_id'))?.application_id ?? 0);
    if (applicationId === PYTIN_APPLICATION_ID) return 'pytin';
    if (applicationId !== 0) {
      const hex = `0x${(applicationId >>> 0).toString(16).padStart(8, '0')}`;
      throw new StoreRefusedError('STORE_NOT_PYTIN', `${path} is a SQLite database of another application (application_id ${hex}); ${LEAVE_IT}`);
    }
    const rows = await migrationRows(db);
    if (!rows || !arePytinMigrations(rows)) {
      throw new StoreRefusedError(
        'STORE_NOT_PYTIN',
        `${path} is a SQLite database that pytin did not make (no application_id, no schema_migrations of pytin's); ${LEAVE_IT}`,
      );
    }
    return 'pytin-unmarked';
  } catch (error) {
    if (error instanceof StoreFailedError) throw StoreRefusedError.fromFailure(error);
    throw error;
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** Proves that the file at `path` (a regular file, see prepareStorePath) is pytin's before
 * anything writes to it, so an unrelated database given as --store is not converted to WAL and
 * filled with pytin's tables. Reads only: a refused file is left byte for byte as it was, with
 * nothing created beside it. Throws StoreRefusedError (STORE_NOT_PYTIN, STORE_OPEN_FAILED for a
 * file that is not SQLite at all, or what SQLite found wrong with it). */
export async function proveStoreIsPytins(path: string): Promise<StoreIdentity> {
  const { size, header } = await readHeader(path);
  const walSize = await sizeOf(`${path}-wal`);
  if (size === 0 && !walSize) return 'empty';
  if (size > 0) {
    if (header.length < HEADER_BYTES || !header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
      throw new StoreRefusedError('STORE_OPEN_FAILED', `${path} is not a SQLite database (it does not start with the SQLite header); ${LEAVE_IT}`);
    }
    if (header.readUInt32BE(APPLICATION_ID_OFFSET) === PYTIN_APPLICATION_ID) return 'pytin';
  }
  // The header on disk may be older than the WAL (an application_id set but not checkpointed),
  // or say 0: ask SQLite, which reads the WAL too.
  return inspect(path);
}
