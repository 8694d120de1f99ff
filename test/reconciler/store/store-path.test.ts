import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';

import { StoreRefusedError } from '../../../reconciler/store/file/store-error.js';
import { openStore } from '../../../reconciler/store/open-store.js';
import { listing, sha256, tempFolder } from './fixtures/store-files.js';

/** The refusal openStore must produce: a StoreRefusedError with this code whose summary names the path. */
async function refusedWith(path: string, code: string, words?: RegExp): Promise<void> {
  await assert.rejects(openStore(path), (error: unknown) => {
    assert.ok(error instanceof StoreRefusedError, `expected a StoreRefusedError, got ${String(error)}`);
    assert.equal(error.diagnostic.code, code, error.diagnostic.summary);
    assert.ok(error.diagnostic.summary.includes(path) || words, error.diagnostic.summary);
    if (words) assert.match(error.diagnostic.summary, words);
    return true;
  });
}

// Paths chosen so that even a broken check could not change the kernel: none of them is writable.
for (const [where, path, fs] of [
  ['a missing file under /proc', '/proc/pytin-test-store.sqlite', 'proc'],
  ['a folder to create under /proc', '/proc/pytin-test/store.sqlite', 'proc'],
  ['an existing kernel file under /proc', '/proc/self/status', 'proc'],
  ['a folder to create under /sys', '/sys/kernel/pytin-test/store.sqlite', 'sysfs'],
] as const) {
  test(`a store path on a kernel pseudo filesystem is refused at once: ${where}`, { timeout: 10_000 }, async () => {
    await refusedWith(path, 'STORE_PATH_INVALID', new RegExp(`is on ${fs} \\(`));
    assert.equal(existsSync(`${path}-wal`), false);
  });
}

test('/dev/zero as the store is refused as a character device, and nothing is created in /dev', { timeout: 10_000 }, async () => {
  await refusedWith('/dev/zero', 'STORE_PATH_INVALID', /\/dev\/zero is a character device, not a regular file/);
  assert.equal(existsSync('/dev/zero-wal'), false);
  assert.equal(existsSync('/dev/zero-shm'), false);
});

test('a FIFO as the store is refused without blocking on it', { timeout: 10_000 }, async (t) => {
  const dir = await tempFolder(t);
  const fifo = join(dir, 'store.sqlite');
  const made = spawnSync('mkfifo', [fifo]);
  if (made.status !== 0) return t.skip('mkfifo is not available');
  await refusedWith(fifo, 'STORE_PATH_INVALID', /is a FIFO \(named pipe\), not a regular file/);
  assert.deepEqual(await listing(dir), ['store.sqlite']);
});

test('a folder as the store is refused', async (t) => {
  const dir = await tempFolder(t);
  await refusedWith(dir, 'STORE_PATH_INVALID', /is a folder, not a regular file/);
});

test('a socket as the store is refused', async (t) => {
  const dir = await tempFolder(t);
  const path = join(dir, 'store.sqlite');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  await refusedWith(path, 'STORE_PATH_INVALID', /is a socket, not a regular file/);
});

test('a symbolic link planted as the store file is refused, and its target is neither changed nor created', async (t) => {
  const dir = await tempFolder(t);
  // A link to a real store: pytin must not write through it.
  const realStore = join(dir, 'real', 'store.sqlite');
  await (await openStore(realStore)).close();
  const before = await sha256(realStore);
  const linked = join(dir, 'linked.sqlite');
  await symlink(realStore, linked);
  await refusedWith(linked, 'STORE_PATH_SYMLINK', /is a symbolic link \(to .*real\/store\.sqlite\)/);
  assert.equal(await sha256(realStore), before);
  // A dangling link: following it would create the file wherever the link points.
  const victim = join(dir, 'victim.sqlite');
  const dangling = join(dir, 'dangling.sqlite');
  await symlink(victim, dangling);
  await refusedWith(dangling, 'STORE_PATH_SYMLINK');
  assert.equal(existsSync(victim), false);
});

test('a parent path that is a regular file is refused naming that file, which is left unchanged', async (t) => {
  const dir = await tempFolder(t);
  const file = join(dir, 'inventory.yaml');
  await writeFile(file, 'kind: Datacenter\nname: msk1\n');
  const before = await sha256(file);
  await refusedWith(join(file, '.pytin', 'store.sqlite'), 'STORE_PATH_INVALID', new RegExp(`${file} is a regular file, not a folder`));
  assert.equal(await sha256(file), before);
  assert.deepEqual(await listing(dir), ['inventory.yaml']);
});

test('with umask 000 the folders pytin creates are 0700 and the store and its -wal and -shm are 0600', async (t) => {
  const dir = await tempFolder(t);
  const previous = process.umask(0o000);
  t.after(() => process.umask(previous));
  const path = join(dir, 'state', '.pytin', 'store.sqlite');
  const store = await openStore(path);
  t.after(() => store.close().catch(() => undefined));
  const mode = async (p: string) => (await stat(p)).mode & 0o777;
  assert.equal(await mode(join(dir, 'state')), 0o700);
  assert.equal(await mode(join(dir, 'state', '.pytin')), 0o700);
  assert.equal(await mode(path), 0o600);
  await store.run('INSERT INTO apply_lock (id, holder, host, pid, since) VALUES (1, ?, ?, ?, ?)', ['t', 'h', 1, 0]);
  assert.equal(await mode(`${path}-wal`), 0o600);
  assert.equal(await mode(`${path}-shm`), 0o600);
});

test('a folder that already exists keeps its mode: pytin sets modes only on what it creates', async (t) => {
  const dir = await tempFolder(t);
  const folder = join(dir, 'shared');
  await mkdir(folder);
  await chmod(folder, 0o755);
  const store = await openStore(join(folder, 'store.sqlite'));
  await store.close();
  assert.equal((await lstat(folder)).mode & 0o777, 0o755);
});

test('a store in a linked folder opens: only the store file itself may not be a link', async (t) => {
  const dir = await tempFolder(t);
  await mkdir(join(dir, 'data-disk'));
  await symlink(join(dir, 'data-disk'), join(dir, 'state'));
  const store = await openStore(join(dir, 'state', 'store.sqlite'));
  await store.close();
  assert.ok(existsSync(join(dir, 'data-disk', 'store.sqlite')));
  // Opened again through the link: the same store, recognised as pytin's.
  await (await openStore(join(dir, 'state', 'store.sqlite'))).close();
});
