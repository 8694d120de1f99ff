import sqlite3 from 'sqlite3';

import { assertNever } from '../../../inventory/core/errors.js';
import { classifySqliteError } from './classify-failure.js';
import { StoreFailedError } from './store-failed-error.js';

/** Values SQLite binds. 64-bit counters travel as decimal TEXT: JS numbers lose precision past 2^53. */
export type SqlValue = string | number | null | Buffer;
export type SqlParams = readonly SqlValue[];
export type Row = Record<string, SqlValue>;

/** The statements a transaction body may run. It must not call back into the outer database. */
export interface SqlRunner {
  run(sql: string, params?: SqlParams): Promise<{ changes: number; lastId: number }>;
  get<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T | undefined>;
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

/** A promise wrapper over one sqlite3 connection.
 * Invariant: statements of a transaction never interleave with other statements on the same
 * connection — every top-level call and every transaction goes through one queue. */
export interface SqliteDatabase extends SqlRunner {
  /** Runs `body` inside BEGIN IMMEDIATE ... COMMIT (the write lock is taken up front, so the
   * busy timeout applies at BEGIN rather than at the first write); rolls back if `body` throws. */
  transaction<T>(body: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Runs `body` inside a deferred read transaction: every statement of it sees the one snapshot
   * the first read took (WAL), whatever other connections commit meanwhile. Takes no write lock. */
  readSnapshot<T>(body: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly path: string;
}

/** Turns a SQLite error that is the store file's condition into a StoreFailedError carrying its
 * Diagnostic; anything else (pytin's SQL, a constraint) passes through unchanged. */
type Classify = (error: Error) => Error;

function rawRunner(db: sqlite3.Database, fail: Classify): SqlRunner {
  return {
    run: (sql, params = []) =>
      new Promise((resolve, reject) => {
        db.run(sql, params as SqlValue[], function (this: sqlite3.RunResult, err: Error | null) {
          if (err) reject(fail(err));
          else resolve({ changes: this.changes, lastId: this.lastID });
        });
      }),
    get: <T extends Row>(sql: string, params: SqlParams = []) =>
      new Promise<T | undefined>((resolve, reject) => {
        db.get(sql, params as SqlValue[], (err: Error | null, row: T | undefined) => (err ? reject(fail(err)) : resolve(row)));
      }),
    all: <T extends Row>(sql: string, params: SqlParams = []) =>
      new Promise<T[]>((resolve, reject) => {
        db.all(sql, params as SqlValue[], (err: Error | null, rows: T[]) => (err ? reject(fail(err)) : resolve(rows)));
      }),
    exec: (sql) =>
      new Promise((resolve, reject) => {
        db.exec(sql, (err: Error | null) => (err ? reject(fail(err)) : resolve()));
      }),
  };
}

/** SQLITE_OPEN_NOFOLLOW (SQLite 3.31): refuse a symbolic link as the database file, so a link
 * planted after pytin checked the path cannot redirect its writes. node-sqlite3 passes the flags
 * through to sqlite3_open_v2 but does not name this one. */
const OPEN_NOFOLLOW = 0x01000000;

/** How a connection may touch the file.
 * - `create`: read-write, creating the file if missing (with SQLite's umask-derived mode).
 * - `existing`: read-write, the file must exist (openStore creates it itself with mode 0600).
 * - `read-only`: never writes the database; may create -shm beside a database in WAL mode.
 * - `immutable`: reads the file as it is on disk: no lock, no -wal, -shm or -journal read or
 *   created. Only sound when no other connection writes it and no -wal holds newer pages. */
export type SqliteAccess = 'create' | 'existing' | 'read-only' | 'immutable';

export interface OpenSqliteOptions {
  busyTimeoutMs?: number;
  access?: SqliteAccess;
}

/** `file:` URI of a path: every segment percent-encoded, so `?`, `#` and `%` in a name stay in the name. */
function fileUri(path: string, query: string): string {
  return `file:${path.split('/').map(encodeURIComponent).join('/')}?${query}`;
}

function openArguments(path: string, access: SqliteAccess): { filename: string; flags: number } {
  switch (access) {
    case 'create':
      return { filename: path, flags: sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE | OPEN_NOFOLLOW };
    case 'existing':
      return { filename: path, flags: sqlite3.OPEN_READWRITE | OPEN_NOFOLLOW };
    case 'read-only':
      return { filename: fileUri(path, 'mode=ro'), flags: sqlite3.OPEN_READONLY | sqlite3.OPEN_URI | OPEN_NOFOLLOW };
    case 'immutable':
      return { filename: fileUri(path, 'mode=ro&immutable=1'), flags: sqlite3.OPEN_READONLY | sqlite3.OPEN_URI | OPEN_NOFOLLOW };
    default:
      return assertNever(access, 'sqlite access');
  }
}

/** Opens one connection. Every error that is the store file's condition (corrupt, read-only,
 * full, I/O, locked past the busy timeout, cannot open), at open and at any later statement, is
 * thrown as a StoreFailedError: this wrapper is the one place that classifies them. */
export async function openSqlite(path: string, options: OpenSqliteOptions = {}): Promise<SqliteDatabase> {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const fail: Classify = (error) => {
    const failure = classifySqliteError(error, { path, busyTimeoutMs });
    return failure ? new StoreFailedError(failure.code, failure.summary, { cause: error }) : error;
  };
  const { filename, flags } = openArguments(path, options.access ?? 'create');
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const handle: sqlite3.Database = new sqlite3.Database(filename, flags, (err) => (err ? reject(fail(err)) : resolve(handle)));
  });
  db.configure('busyTimeout', busyTimeoutMs);
  const raw = rawRunner(db, fail);
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };
  return {
    path,
    run: (sql, params) => enqueue(() => raw.run(sql, params)),
    get: <T extends Row>(sql: string, params?: SqlParams) => enqueue(() => raw.get<T>(sql, params)),
    all: <T extends Row>(sql: string, params?: SqlParams) => enqueue(() => raw.all<T>(sql, params)),
    exec: (sql) => enqueue(() => raw.exec(sql)),
    transaction: <T>(body: (tx: SqlRunner) => Promise<T>) =>
      enqueue(async () => {
        await raw.exec('BEGIN IMMEDIATE');
        try {
          const value = await body(raw);
          await raw.exec('COMMIT');
          return value;
        } catch (error) {
          // A failed COMMIT may already have rolled back; the error that matters is the first one.
          await raw.exec('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    readSnapshot: <T>(body: (tx: SqlRunner) => Promise<T>) =>
      enqueue(async () => {
        await raw.exec('BEGIN DEFERRED');
        try {
          return await body(raw);
        } finally {
          // Nothing was written: ending it only releases the snapshot.
          await raw.exec('ROLLBACK').catch(() => undefined);
        }
      }),
    close: () =>
      enqueue(
        () =>
          new Promise<void>((resolve, reject) => {
            db.close((err) => (err ? reject(fail(err)) : resolve()));
          }),
      ),
  };
}
