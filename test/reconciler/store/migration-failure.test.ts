import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import { lockStatusCommand } from '../../../reconciler/cli/commands/lock.js';
import { runCli } from '../../../reconciler/cli/run-cli.js';
import { openSqlite } from '../../../reconciler/store/file/sqlite.js';
import { LATEST_SCHEMA_VERSION, migrate, MIGRATIONS } from '../../../reconciler/store/migrations.js';
import { openStore } from '../../../reconciler/store/open-store.js';
import { captureIO } from '../../support/capture-io.js';
import { tempFolder } from './fixtures/store-files.js';

/** The tables of a closed store, by name. */
async function tablesOf(path: string): Promise<string[]> {
  const db = await openSqlite(path);
  try {
    const rows = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    return rows.map((r) => r.name);
  } finally {
    await db.close();
  }
}

test('a migration that fails half-way is STORE_MIGRATION_FAILED; the store stays at the last good version with its data, and opens once the cause is gone', async (t) => {
  // A release-0.1 store (schema version 1) in which someone made a table of their own whose name
  // a later migration (3) creates.
  const path = join(await tempFolder(t), 'store.sqlite');
  const v1 = await openSqlite(path);
  await migrate(v1, MIGRATIONS.slice(0, 1));
  await v1.exec("CREATE TABLE apply_lock (note TEXT NOT NULL); INSERT INTO apply_lock (note) VALUES ('made by hand')");
  await v1.close();

  const io = captureIO();
  assert.equal(await runCli([lockStatusCommand], ['lock', 'status', '--store', path], io), 1);
  assert.match(
    io.err(),
    new RegExp(`^error STORE_MIGRATION_FAILED: ${path}: migration 3 \\(apply lock, apply runs, .*\\) failed: .*table apply_lock already exists`),
  );
  assert.doesNotMatch(io.err(), /\n\s+at /, 'a diagnostic, not a stack');
  assert.equal(io.out(), '');

  // Migration 2 is kept, migration 3 left nothing behind (one transaction), the hand-made table
  // and its row are untouched.
  const db = await openSqlite(path);
  try {
    assert.equal((await db.get<{ v: number }>('SELECT max(version) AS v FROM schema_migrations'))?.v, 2);
    assert.deepEqual(await db.all('SELECT note FROM apply_lock'), [{ note: 'made by hand' }]);
  } finally {
    await db.close();
  }
  const tables = await tablesOf(path);
  assert.ok(!tables.includes('device_arp'), 'migration 2 (drop device_arp) was applied');
  assert.ok(!tables.includes('apply_runs') && !tables.includes('change_outcomes'), `nothing of migration 3 remains: ${tables.join(', ')}`);

  // The operator removes the stray table: the next open migrates to the end.
  const fix = await openSqlite(path);
  await fix.exec('DROP TABLE apply_lock');
  await fix.close();
  const store = await openStore(path);
  t.after(() => store.close().catch(() => undefined));
  assert.equal((await store.get<{ v: number }>('SELECT max(version) AS v FROM schema_migrations'))?.v, LATEST_SCHEMA_VERSION);
});
