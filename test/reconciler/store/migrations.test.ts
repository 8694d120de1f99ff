import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openSqlite } from '../../../reconciler/store/file/sqlite.js';
import { StoreRefusedError } from '../../../reconciler/store/file/store-error.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../reconciler/store/migrations.js';
import { openStore } from '../../../reconciler/store/open-store.js';
import { tempStore } from './fixtures/temp-store.js';

test('opening a store twice applies each migration once', async (t) => {
  const { store, path } = await tempStore(t);
  await store.close();
  const again = await openStore(path);
  t.after(() => again.close().catch(() => undefined));
  const rows = await again.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  assert.deepEqual(
    rows.map((r) => r.version),
    MIGRATIONS.map((m) => m.version),
  );
});

test('the store runs in WAL mode with foreign keys enforced', async (t) => {
  const { store } = await tempStore(t);
  assert.equal((await store.get<{ journal_mode: string }>('PRAGMA journal_mode'))?.journal_mode, 'wal');
  assert.equal((await store.get<{ foreign_keys: number }>('PRAGMA foreign_keys'))?.foreign_keys, 1);
  await assert.rejects(
    store.run("INSERT INTO current_facts (subject_kind, subject, fact_kind, json, observed_at, run_id) VALUES ('host', 'h', 'basics', '{}', 1, 999)"),
    /FOREIGN KEY constraint failed/,
  );
});

test('a store written by a newer pytin is refused with a clear diagnostic and left untouched', async (t) => {
  const { store, path } = await tempStore(t);
  await store.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', 0)", [LATEST_SCHEMA_VERSION + 7]);
  await store.close();
  await assert.rejects(openStore(path), (error: unknown) => {
    assert.ok(error instanceof StoreRefusedError);
    assert.equal(error.diagnostic.code, 'STORE_SCHEMA_TOO_NEW');
    assert.match(error.diagnostic.summary, new RegExp(`schema version ${LATEST_SCHEMA_VERSION + 7}; this pytin knows versions up to ${LATEST_SCHEMA_VERSION}`));
    return true;
  });
  const raw = await openSqlite(path);
  t.after(() => raw.close().catch(() => undefined));
  assert.equal((await raw.get<{ v: number }>('SELECT max(version) AS v FROM schema_migrations'))?.v, LATEST_SCHEMA_VERSION + 7);
});

test('a file that is not a SQLite database is refused as STORE_OPEN_FAILED', async (t) => {
  const { store, path } = await tempStore(t);
  await store.close();
  const { writeFile, rm } = await import('node:fs/promises');
  await rm(`${path}-wal`, { force: true });
  await rm(`${path}-shm`, { force: true });
  await writeFile(path, 'this is not a database, just text long enough to have a header '.repeat(20));
  await assert.rejects(openStore(path), (error: unknown) => error instanceof StoreRefusedError && error.diagnostic.code === 'STORE_OPEN_FAILED');
});
