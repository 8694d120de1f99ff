import sqlite3 from 'sqlite3';

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
  close(): Promise<void>;
  readonly path: string;
}

function rawRunner(db: sqlite3.Database): SqlRunner {
  return {
    run: (sql, params = []) =>
      new Promise((resolve, reject) => {
        db.run(sql, params as SqlValue[], function (this: sqlite3.RunResult, err: Error | null) {
          if (err) reject(err);
          else resolve({ changes: this.changes, lastId: this.lastID });
        });
      }),
    get: <T extends Row>(sql: string, params: SqlParams = []) =>
      new Promise<T | undefined>((resolve, reject) => {
        db.get(sql, params as SqlValue[], (err: Error | null, row: T | undefined) => (err ? reject(err) : resolve(row)));
      }),
    all: <T extends Row>(sql: string, params: SqlParams = []) =>
      new Promise<T[]>((resolve, reject) => {
        db.all(sql, params as SqlValue[], (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)));
      }),
    exec: (sql) =>
      new Promise((resolve, reject) => {
        db.exec(sql, (err: Error | null) => (err ? reject(err) : resolve()));
      }),
  };
}

export async function openSqlite(path: string, options: { busyTimeoutMs?: number } = {}): Promise<SqliteDatabase> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const handle: sqlite3.Database = new sqlite3.Database(path, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, (err) =>
      err ? reject(err) : resolve(handle),
    );
  });
  db.configure('busyTimeout', options.busyTimeoutMs ?? 5000);
  const raw = rawRunner(db);
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
    close: () =>
      enqueue(
        () =>
          new Promise<void>((resolve, reject) => {
            db.close((err) => (err ? reject(err) : resolve()));
          }),
      ),
  };
}
