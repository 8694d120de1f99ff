import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { readApplyLock } from '../../../reconciler/store/apply/apply-lock.js';
import { openSqlite } from '../../../reconciler/store/file/sqlite.js';
import { StoreRefusedError } from '../../../reconciler/store/file/store-error.js';
import { PYTIN_APPLICATION_ID } from '../../../reconciler/store/file/store-identity.js';
import { migrate } from '../../../reconciler/store/migrations.js';
import { openStore } from '../../../reconciler/store/open-store.js';
import { listing, sha256, tempFolder } from './fixtures/store-files.js';

/** Another application's database, written and closed the way that application would. */
async function foreignDatabase(path: string, setup: string): Promise<void> {
  const db = await openSqlite(path);
  await db.exec(setup);
  await db.close();
}

/** A store exactly as the release before application_id made it: WAL, then the migrations. */
async function storeOfThePreviousRelease(path: string) {
  const db = await openSqlite(path);
  await db.get('PRAGMA journal_mode = WAL');
  await migrate(db);
  return db;
}

async function applicationIdInHeader(path: string): Promise<number> {
  return (await readFile(path)).readUInt32BE(68);
}

const FOREIGN: readonly (readonly [string, string, RegExp])[] = [
  [
    'a billing database (rollback journal)',
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('ACME');",
    /is a SQLite database that pytin did not make/,
  ],
  [
    'a database in WAL mode',
    'PRAGMA journal_mode = WAL; CREATE TABLE readings (at INTEGER, value REAL); INSERT INTO readings VALUES (1, 2.5);',
    /is a SQLite database that pytin did not make/,
  ],
  [
    'a GeoPackage (application_id GPKG)',
    'PRAGMA application_id = 1196444487; CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY);',
    /of another application \(application_id 0x47504b47\)/,
  ],
  [
    'a Rails database (its own schema_migrations)',
    "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101000000');",
    /pytin did not make/,
  ],
  [
    "a database whose schema_migrations looks like pytin's but lists other migrations",
    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL); INSERT INTO schema_migrations VALUES (1, 'create users', 0);",
    /pytin did not make/,
  ],
  ['a SQLite database with no table at all', 'PRAGMA user_version = 7;', /pytin did not make/],
];

for (const [what, setup, words] of FOREIGN) {
  test(`${what} given as the store is refused as STORE_NOT_PYTIN and left byte for byte unchanged`, async (t) => {
    const dir = await tempFolder(t);
    const path = join(dir, 'other.sqlite');
    await foreignDatabase(path, setup);
    const files = await listing(dir);
    const before = await sha256(path);
    await assert.rejects(openStore(path), (error: unknown) => {
      assert.ok(error instanceof StoreRefusedError);
      assert.equal(error.diagnostic.code, 'STORE_NOT_PYTIN');
      assert.match(error.diagnostic.summary, words);
      assert.match(error.diagnostic.summary, /pytin left it unchanged/);
      assert.ok(error.diagnostic.summary.startsWith(path));
      return true;
    });
    assert.equal(await sha256(path), before);
    assert.deepEqual(await listing(dir), files, 'no -wal, -shm or -journal was created beside it');
  });
}

test('a file that is not a SQLite database is refused as STORE_OPEN_FAILED and left unchanged', async (t) => {
  const dir = await tempFolder(t);
  const path = join(dir, 'notes.txt');
  await writeFile(path, 'remember to rotate the backups\n'.repeat(20));
  const before = await sha256(path);
  await assert.rejects(openStore(path), (error: unknown) => {
    assert.ok(error instanceof StoreRefusedError);
    assert.equal(error.diagnostic.code, 'STORE_OPEN_FAILED');
    assert.match(error.diagnostic.summary, /is not a SQLite database .* pytin left it unchanged/);
    return true;
  });
  assert.equal(await sha256(path), before);
  assert.deepEqual(await listing(dir), ['notes.txt']);
});

test("a new store carries pytin's application_id from its first write", async (t) => {
  const dir = await tempFolder(t);
  const path = join(dir, 'store.sqlite');
  await (await openStore(path)).close();
  assert.equal(await applicationIdInHeader(path), PYTIN_APPLICATION_ID);
});

test("a store of the previous release (no application_id) still opens, keeps its data and is marked as pytin's", async (t) => {
  const dir = await tempFolder(t);
  const path = join(dir, 'store.sqlite');
  const old = await storeOfThePreviousRelease(path);
  await old.run('INSERT INTO apply_lock (id, holder, host, pid, commit_id, since) VALUES (1, ?, ?, ?, NULL, ?)', ['ci', 'runner-1', 4242, 1700000000000]);
  await old.close();
  assert.equal(await applicationIdInHeader(path), 0);
  const store = await openStore(path);
  t.after(() => store.close().catch(() => undefined));
  assert.equal((await store.get<{ application_id: number }>('PRAGMA application_id'))?.application_id, PYTIN_APPLICATION_ID);
  assert.equal((await readApplyLock(store))?.holder, 'ci');
});

test('a store of the previous release still open elsewhere, its tables only in the WAL, is recognised', async (t) => {
  const dir = await tempFolder(t);
  const path = join(dir, 'store.sqlite');
  // The old `pytin serve` keeps its connection: nothing is checkpointed into the main file yet.
  const server = await storeOfThePreviousRelease(path);
  t.after(() => server.close().catch(() => undefined));
  const store = await openStore(path);
  t.after(() => store.close().catch(() => undefined));
  assert.equal((await store.get<{ application_id: number }>('PRAGMA application_id'))?.application_id, PYTIN_APPLICATION_ID);
  assert.equal(await readApplyLock(store), undefined);
});

test('an empty file at the store path becomes the store', async (t) => {
  const dir = await tempFolder(t);
  const path = join(dir, 'store.sqlite');
  await writeFile(path, '');
  await (await openStore(path)).close();
  assert.equal(await applicationIdInHeader(path), PYTIN_APPLICATION_ID);
});
