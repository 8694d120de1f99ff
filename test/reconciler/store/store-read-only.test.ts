import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { StoreRefusedError } from '../../../reconciler/store/file/store-error.js';
import { openStore } from '../../../reconciler/store/open-store.js';
import { makeImmutable } from './fixtures/immutable.js';
import { mountNamespaceUnavailable, runPytinInMountNamespace } from './fixtures/mount-namespace.js';
import { listing, sha256, tempFolder } from './fixtures/store-files.js';

/* The tests run as root, which chmod does not stop. Two kernel refusals that stop root too:
 * the immutable attribute (chattr +i, EPERM), in this process; and a read-only mount (EROFS),
 * with pytin run as a child in its own mount namespace so the host's mounts stay untouched. */

async function closedStore(path: string): Promise<void> {
  await (await openStore(path)).close();
}

function refusedAsReadOnly(words: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof StoreRefusedError, `expected a StoreRefusedError, got ${String(error)}`);
    assert.equal(error.diagnostic.code, 'STORE_READ_ONLY', error.diagnostic.summary);
    assert.match(error.diagnostic.summary, words);
    return true;
  };
}

test('an immutable store file is refused as STORE_READ_ONLY naming the file, and stays as it was', async (t) => {
  const dir = await tempFolder(t);
  const path = join(dir, 'store.sqlite');
  await closedStore(path);
  const skip = makeImmutable(t, path);
  if (skip) return t.skip(skip);
  const before = await sha256(path);
  await assert.rejects(openStore(path), refusedAsReadOnly(new RegExp(`cannot write ${path}: operation not permitted \\(an immutable`)));
  assert.equal(await sha256(path), before);
  assert.deepEqual(await listing(dir), ['store.sqlite']);
});

test('a store in an immutable folder is refused as STORE_READ_ONLY naming the folder (SQLite could not create -wal and -shm)', async (t) => {
  const dir = await tempFolder(t);
  const folder = join(dir, 'state');
  const path = join(folder, 'store.sqlite');
  await closedStore(path);
  const skip = makeImmutable(t, folder);
  if (skip) return t.skip(skip);
  await assert.rejects(openStore(path), refusedAsReadOnly(new RegExp(`cannot write the folder ${folder}: operation not permitted`)));
  assert.deepEqual(await listing(folder), ['store.sqlite']);
});

test('a new store in an immutable folder is refused as STORE_READ_ONLY, and nothing is created', async (t) => {
  const dir = await tempFolder(t);
  const skip = makeImmutable(t, dir);
  if (skip) return t.skip(skip);
  const path = join(dir, '.pytin', 'store.sqlite');
  await assert.rejects(openStore(path), refusedAsReadOnly(new RegExp(`cannot create the folder ${join(dir, '.pytin')}: operation not permitted`)));
  assert.equal(existsSync(join(dir, '.pytin')), false);
});

test('pytin lock status on a store on a read-only mount prints STORE_READ_ONLY and exits 1', { timeout: 60_000 }, async (t) => {
  const unavailable = mountNamespaceUnavailable();
  if (unavailable) return t.skip(unavailable);
  const dir = await tempFolder(t);
  const path = join(dir, 'store.sqlite');
  await closedStore(path);
  const before = await sha256(path);
  const run = await runPytinInMountNamespace(dir, 'mount --bind "$DIR" "$DIR"\nmount -o remount,bind,ro "$DIR"', ['lock', 'status', '--store', path]);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`^error STORE_READ_ONLY: cannot write ${path}: the filesystem is mounted read-only`));
  assert.doesNotMatch(run.stderr, /bug in pytin|\n\s+at /);
  assert.equal(await sha256(path), before);
});
