import { openSqlite, type SqliteDatabase } from './file/sqlite.js';
import { StoreRefusedError } from './file/store-error.js';
import { StoreFailedError } from './file/store-failed-error.js';
import { proveStoreIsPytins, PYTIN_APPLICATION_ID } from './file/store-identity.js';
import { prepareStorePath } from './file/store-path.js';
import { refuseUnwritableStore } from './file/store-writable.js';
import { migrate } from './migrations.js';

/** The fact store: one SQLite file. Every function of reconciler/store takes it. */
export type Store = SqliteDatabase;

/** Any failure while opening, as the refusal the callers of openStore report. */
function asRefusal(error: unknown, path: string): StoreRefusedError {
  if (error instanceof StoreFailedError) return StoreRefusedError.fromFailure(error);
  if (error instanceof StoreRefusedError) {
    // A migration that failed because of the file (disk full, corrupt page) is reported as that
    // cause: it is what the operator fixes. The migration itself rolled back either way.
    return error.cause instanceof StoreFailedError ? StoreRefusedError.fromFailure(error.cause) : error;
  }
  return new StoreRefusedError('STORE_OPEN_FAILED', `cannot use ${path}: ${String(error)}`, { cause: error });
}

/** Opens (creating if needed) and migrates the store. Order matters:
 * 1. the path is checked (no pseudo filesystem, no link, device, FIFO or folder) and the store
 *    created if missing (folders 0700, file 0600); links in its folder are resolved;
 * 2. an existing file is proven to be pytin's by reading only, so a foreign file is left
 *    byte for byte unchanged;
 * 3. only then SQLite opens it read-write: the application_id is set first (a crash after it
 *    still leaves a file that proves itself), then WAL (readers such as the API server run while
 *    an observation writes), foreign keys (off by default, asked for on every connection), and
 *    the migrations.
 * Throws StoreRefusedError, whose Diagnostic says what the operator must fix. Later failures of
 * the store's file come from the connection as StoreFailedError. */
export async function openStore(requestedPath: string, options: { busyTimeoutMs?: number } = {}): Promise<Store> {
  // From here on the diagnostics name the file SQLite opens: the folder's links resolved.
  const path = await prepareStorePath(requestedPath);
  const identity = await proveStoreIsPytins(path);
  await refuseUnwritableStore(path);
  let db: SqliteDatabase;
  try {
    db = await openSqlite(path, { ...options, access: 'existing' });
  } catch (error) {
    throw asRefusal(error, path);
  }
  try {
    if (identity !== 'pytin') await db.exec(`PRAGMA application_id = ${PYTIN_APPLICATION_ID}`);
    const mode = await db.get<{ journal_mode: string }>('PRAGMA journal_mode = WAL');
    if (mode?.journal_mode !== 'wal') throw new Error(`journal_mode is ${String(mode?.journal_mode)}, not wal`);
    await db.exec('PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL');
    await migrate(db);
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw asRefusal(error, path);
  }
}
