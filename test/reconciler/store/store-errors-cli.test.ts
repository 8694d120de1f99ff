import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import type { Command } from '../../../reconciler/cli/command.js';
import { lockStatusCommand } from '../../../reconciler/cli/commands/lock.js';
import { runCli } from '../../../reconciler/cli/run-cli.js';
import { tryTakeApplyLock } from '../../../reconciler/store/apply/apply-lock.js';
import { StoreFailedError } from '../../../reconciler/store/file/store-failed-error.js';
import { openStore } from '../../../reconciler/store/open-store.js';
import { captureIO } from '../../support/capture-io.js';
import { corruptPage, rootPageOf, tempFolder } from './fixtures/store-files.js';

/** A store whose `table` has a page of garbage, as a failing disk leaves it. */
async function corruptStore(dir: string, table: string): Promise<string> {
  const path = join(dir, 'store.sqlite');
  const store = await openStore(path);
  await tryTakeApplyLock(store, { holder: 'ci', host: 'runner-1', pid: 4242, commit: null, since: 1700000000000 });
  await store.close();
  assert.equal(existsSync(`${path}-wal`), false);
  const { page, pageSize } = await rootPageOf(path, table);
  await corruptPage(path, page, pageSize);
  return path;
}

function assertPrintedAsDiagnostic(err: string, code: string, path: string): void {
  assert.match(err, new RegExp(`^error ${code}: ${path} `));
  assert.doesNotMatch(err, /bug in pytin/);
  assert.doesNotMatch(err, /\n\s+at /, 'no stack trace without --debug');
  assert.doesNotMatch(err, /--debug/);
}

for (const [when, table] of [
  ['while opening it (the migrations table)', 'schema_migrations'],
  ['at its first query (the lock table)', 'apply_lock'],
] as const) {
  test(`pytin lock status on a store that is corrupt ${when} prints STORE_CORRUPT and exits 1`, async (t) => {
    const path = await corruptStore(await tempFolder(t), table);
    const io = captureIO();
    assert.equal(await runCli([lockStatusCommand], ['lock', 'status', '--store', path], io), 1);
    assertPrintedAsDiagnostic(io.err(), 'STORE_CORRUPT', path);
    assert.match(io.err(), /Restore it from a backup/);
    assert.equal(io.out(), '');
  });
}

test('with --debug a store failure is still its diagnostic, followed by the stack', async (t) => {
  const path = await corruptStore(await tempFolder(t), 'apply_lock');
  const io = captureIO();
  assert.equal(await runCli([lockStatusCommand], ['lock', 'status', '--store', path, '--debug'], io), 1);
  assert.match(io.err(), new RegExp(`^error STORE_CORRUPT: ${path} `));
  assert.match(io.err(), /\n\s+at /);
});

test('a store failure wrapped by a caller with its own context is still printed as the store diagnostic', async () => {
  const wrapping: Command = {
    name: 'observe-ish',
    summary: 'records something',
    synopsis: '',
    options: {},
    async run() {
      const failure = new StoreFailedError('STORE_DISK_FULL', '/var/lib/pytin/store.sqlite: the filesystem holding it is full');
      throw new Error('recording the walk of sw1 failed', { cause: failure });
    },
  };
  const io = captureIO();
  assert.equal(await runCli([wrapping], ['observe-ish'], io), 1);
  assertPrintedAsDiagnostic(io.err(), 'STORE_DISK_FULL', '/var/lib/pytin/store.sqlite:');
});
