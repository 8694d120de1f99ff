import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { readApplyLock, tryTakeApplyLock } from '../../../reconciler/store/apply/apply-lock.js';
import { openSqlite } from '../../../reconciler/store/file/sqlite.js';
import { StoreRefusedError } from '../../../reconciler/store/file/store-error.js';
import { StoreFailedError } from '../../../reconciler/store/file/store-failed-error.js';
import { openStore } from '../../../reconciler/store/open-store.js';
import { mountNamespaceUnavailable, runPytinInMountNamespace } from './fixtures/mount-namespace.js';
import { corruptPage, rootPageOf, tempFolder } from './fixtures/store-files.js';

const LOCK = { holder: 'ci', host: 'runner-1', pid: 4242, commit: null, since: 1700000000000 };

/** A real store, closed (so its WAL is checkpointed into the file), with one page of `table` overwritten. */
async function storeWithCorruptTable(dir: string, table: string): Promise<string> {
  const path = join(dir, 'store.sqlite');
  const store = await openStore(path);
  await tryTakeApplyLock(store, LOCK);
  await store.close();
  assert.equal(existsSync(`${path}-wal`), false, 'a clean close leaves every page in the main file');
  const { page, pageSize } = await rootPageOf(path, table);
  await corruptPage(path, page, pageSize);
  return path;
}

function isStoreCode(code: string, path: string) {
  return (error: unknown) => {
    assert.ok(error instanceof StoreRefusedError || error instanceof StoreFailedError, `expected a store error, got ${String(error)}`);
    assert.equal(error.diagnostic.code, code, error.diagnostic.summary);
    assert.ok(error.diagnostic.summary.includes(path), error.diagnostic.summary);
    return true;
  };
}

test('a corrupt page that opening reads (the migrations table) refuses the store as STORE_CORRUPT, not a raw SQLite error', async (t) => {
  const path = await storeWithCorruptTable(await tempFolder(t), 'schema_migrations');
  await assert.rejects(openStore(path), (error: unknown) => {
    assert.ok(error instanceof StoreRefusedError);
    isStoreCode('STORE_CORRUPT', path)(error);
    assert.match(error.diagnostic.summary, /is damaged \(SQLite: database disk image is malformed\)\. Restore it from a backup/);
    return true;
  });
});

test('a corrupt page met by a later query fails that query as STORE_CORRUPT', async (t) => {
  const path = await storeWithCorruptTable(await tempFolder(t), 'apply_lock');
  const store = await openStore(path);
  t.after(() => store.close().catch(() => undefined));
  await assert.rejects(readApplyLock(store), (error: unknown) => error instanceof StoreFailedError && isStoreCode('STORE_CORRUPT', path)(error));
});

test('a write that waits longer than the busy timeout for another writer fails as STORE_BUSY, and the store stays usable', async (t) => {
  const path = join(await tempFolder(t), 'store.sqlite');
  const holder = await openStore(path);
  t.after(() => holder.close().catch(() => undefined));
  const waiter = await openStore(path, { busyTimeoutMs: 100 });
  t.after(() => waiter.close().catch(() => undefined));
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holding = holder.transaction(async () => {
    locked();
    await held;
  });
  await isLocked;
  await assert.rejects(tryTakeApplyLock(waiter, LOCK), (error: unknown) => {
    assert.ok(error instanceof StoreFailedError);
    isStoreCode('STORE_BUSY', path)(error);
    assert.match(error.diagnostic.summary, /stayed locked by another process \(waited 100 ms/);
    return true;
  });
  release();
  await holding;
  assert.deepEqual(await tryTakeApplyLock(waiter, LOCK), { taken: true });
});

test('a write that does not fit fails as STORE_DISK_FULL and nothing of it is kept', async (t) => {
  const path = join(await tempFolder(t), 'store.sqlite');
  const store = await openStore(path);
  t.after(() => store.close().catch(() => undefined));
  // The same SQLITE_FULL a full disk gives, in this process: cap the file at its current size.
  const { page_count: pages } = (await store.get<{ page_count: number }>('PRAGMA page_count'))!;
  await store.exec(`PRAGMA max_page_count = ${pages}`);
  await assert.rejects(
    store.transaction(async (tx) => {
      await tx.run("INSERT INTO apply_runs (plan_hash, holder, started_at, status) VALUES ('h', 'ci', 1, 'running')");
      await tx.run('INSERT INTO applied_states (commit_id, desired_json, applied_at, run_id) VALUES (?, ?, 1, 1)', ['c1', 'x'.repeat(1 << 20)]);
    }),
    (error: unknown) => error instanceof StoreFailedError && isStoreCode('STORE_DISK_FULL', path)(error),
  );
  assert.equal((await store.get<{ n: number }>('SELECT count(*) AS n FROM apply_runs'))?.n, 0);
});

test('creating a store on a full filesystem is refused as STORE_DISK_FULL (pytin run on a tiny tmpfs)', { timeout: 60_000 }, async (t) => {
  const unavailable = mountNamespaceUnavailable();
  if (unavailable) return t.skip(unavailable);
  const dir = await tempFolder(t);
  const path = join(dir, '.pytin', 'store.sqlite');
  // 48 KiB: room for the -shm index and the first pages, not for the schema.
  const run = await runPytinInMountNamespace(dir, 'mount -t tmpfs -o size=48k tmpfs "$DIR"', ['lock', 'status', '--store', path]);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`^error STORE_DISK_FULL: cannot write ${path}: the filesystem holding it is full`));
  assert.doesNotMatch(run.stderr, /bug in pytin|\n\s+at /);
});

test('a write through a connection that may only read fails as STORE_READ_ONLY', async (t) => {
  const path = join(await tempFolder(t), 'store.sqlite');
  await (await openStore(path)).close();
  const reader = await openSqlite(path, { access: 'read-only' });
  t.after(() => reader.close().catch(() => undefined));
  await assert.rejects(
    reader.run('DELETE FROM apply_lock'),
    (error: unknown) => error instanceof StoreFailedError && isStoreCode('STORE_READ_ONLY', path)(error),
  );
});

test('an SQL mistake is not mistaken for a store failure: it stays a plain error (a bug)', async (t) => {
  const path = join(await tempFolder(t), 'store.sqlite');
  const store = await openStore(path);
  t.after(() => store.close().catch(() => undefined));
  await assert.rejects(
    store.get('SELECT missing FROM nowhere'),
    (error: unknown) => !(error instanceof StoreFailedError) && /no such table: nowhere/.test(String(error)),
  );
});
