import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { migrate } from './migrations.js';
import { openSqlite, type SqliteDatabase } from './sqlite.js';
import { StoreRefusedError } from './store-error.js';

/** The fact store: one SQLite file. Every function of reconciler/store takes it. */
export type Store = SqliteDatabase;

/** `.pytin/store.sqlite` beside the inventory. */
export function defaultStorePath(inventoryRoot: string): string {
  return join(inventoryRoot, '.pytin', 'store.sqlite');
}

/** Opens (creating if needed) and migrates the store. WAL lets readers (the API server) run
 * while an observation writes; foreign keys are off by default in SQLite and must be asked for
 * on every connection. Throws StoreRefusedError for what an operator must fix. */
export async function openStore(path: string, options: { busyTimeoutMs?: number } = {}): Promise<Store> {
  await mkdir(dirname(path), { recursive: true });
  let db: SqliteDatabase;
  try {
    db = await openSqlite(path, options);
  } catch (error) {
    throw new StoreRefusedError('STORE_OPEN_FAILED', `cannot open ${path}: ${String(error)}`, { cause: error });
  }
  try {
    const mode = await db.get<{ journal_mode: string }>('PRAGMA journal_mode = WAL');
    if (mode?.journal_mode !== 'wal') throw new Error(`journal_mode is ${String(mode?.journal_mode)}, not wal`);
    await db.exec('PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL');
    await migrate(db);
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    if (error instanceof StoreRefusedError) throw error;
    throw new StoreRefusedError('STORE_OPEN_FAILED', `cannot use ${path}: ${String(error)}`, { cause: error });
  }
}
