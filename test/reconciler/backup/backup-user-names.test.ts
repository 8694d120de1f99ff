import assert from 'node:assert/strict';
import { access, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { reportPerUserSeries, reportSeries } from '../../../reconciler/backup/backup-list.js';
import { restoreBackup } from '../../../reconciler/backup/backup-restore.js';
import { verifySeries } from '../../../reconciler/backup/backup-verify.js';
import { runBackup } from '../../../reconciler/backup/run/backup-run.js';
import { runPerUserBackup } from '../../../reconciler/backup/run/per-user-run.js';
import { makeTempDir } from '../../lab/daemon.js';
import { pytin, STACK_TRACE } from './backup-cli.js';
import { type Canary, watch } from './canary.js';

/** Issue 8, hole 3: `--user ../x` reached `join(target, user)` in `backup restore` and `backup
 * list`, so a caller could read (and restore from) any series on the host. */

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** A target with alice's per-user series, and beside it the canary: a real series of the same
 * name outside the target, which `--user ../canary` reached. */
async function setUp(root: string): Promise<{ target: string; canary: Canary }> {
  const home = join(root, 'home');
  await mkdir(join(home, 'alice'), { recursive: true });
  await writeFile(join(home, 'alice', 'mail'), 'alice mail');
  const target = join(root, 'target');
  assert.equal((await pytin('backup', 'run', '--per-user', home, '--target', target, '--name', 'home')).exitCode, 0);
  const secret = join(root, 'secret-source');
  await mkdir(secret);
  await writeFile(join(secret, 'secret'), 'not for --user to reach');
  assert.equal((await pytin('backup', 'run', '--source', secret, '--target', join(root, 'canary'), '--name', 'home')).exitCode, 0);
  return { target, canary: await watch(join(root, 'canary')) };
}

const BAD_USERS = ['../canary', '..', '.', '/etc', 'alice/../../canary', '-rf', '--force', 'alice\nbob', 'alice\0', '.alice', ''];
const BAD_NAMES = ['../canary/home', '..', 'x/../../canary/home', '-rf', '.home', 'home\nx', 'home\0', 'x'.repeat(129)];

test('backup restore, list and verify refuse --user and --name values that leave the target: usage error, exit 1, nothing outside the target read or created', async (t) => {
  const dir = await makeTempDir('backup-user-names');
  t.after(() => dir.remove());
  const { target, canary } = await setUp(dir.path);
  let n = 0;
  const attacks: Array<{ args: string[]; expected: RegExp; to?: string }> = [];
  for (const user of BAD_USERS) {
    const to = join(dir.path, `restored-${n++}`);
    // `--user=VALUE`: the form that gets a value starting with "-" past the option parser.
    attacks.push({
      args: ['restore', '--target', target, '--name', 'home', `--user=${user}`, '--index', '1', '--to', to],
      expected: /--user .* may only hold letters/,
      to,
    });
    attacks.push({ args: ['list', '--target', target, '--name', 'home', `--user=${user}`, '--json'], expected: /--user .* may only hold letters/ });
    attacks.push({ args: ['verify', '--target', target, '--name', 'home', `--user=${user}`], expected: /--user .* may only hold letters/ });
  }
  for (const name of BAD_NAMES) {
    const to = join(dir.path, `restored-${n++}`);
    attacks.push({ args: ['restore', '--target', target, `--name=${name}`, '--index', '1', '--to', to], expected: /--name .* may only hold letters/, to });
    attacks.push({ args: ['list', '--target', target, `--name=${name}`, '--per-user', '--json'], expected: /--name .* may only hold letters/ });
    attacks.push({ args: ['verify', '--target', target, `--name=${name}`], expected: /--name .* may only hold letters/ });
  }
  for (const { args, expected, to } of attacks) {
    const what = JSON.stringify(args);
    const outcome = await pytin('backup', ...args);
    assert.equal(outcome.exitCode, 1, what);
    assert.match(outcome.stderr, expected, what);
    assert.doesNotMatch(outcome.stderr, STACK_TRACE, what);
    assert.equal(outcome.stdout, '', `${what} printed a report`);
    if (to !== undefined) assert.equal(await exists(to), false, `${what} created its destination`);
    await canary.assertUntouched(`${what} touched the series outside the target`);
  }
  assert.deepEqual((await readdir(target)).sort(), ['alice'], 'nothing was created in the target either');
  // The legitimate user still works.
  const to = join(dir.path, 'alice-restored');
  assert.equal((await pytin('backup', 'restore', '--target', target, '--name', 'home', '--user', 'alice', '--index', '1', '--to', to)).exitCode, 0);
  assert.deepEqual(await readdir(to), ['mail']);
});

test('the engine functions check user and series names themselves, whatever their caller did: BACKUP_BAD_USER / BACKUP_BAD_NAME and nothing touched', async (t) => {
  const dir = await makeTempDir('backup-user-names-engine');
  t.after(() => dir.remove());
  const { target, canary } = await setUp(dir.path);
  const codes = (diagnostics: ReadonlyArray<{ code: string }>) => diagnostics.map((d) => d.code);
  for (const user of BAD_USERS) {
    const to = join(dir.path, 'restored');
    const restore = await restoreBackup({ target, name: 'home', user, index: 1, to, force: false });
    assert.deepEqual([restore.ok, codes(restore.diagnostics)], [false, ['BACKUP_BAD_USER']], JSON.stringify(user));
    assert.equal(await exists(to), false);
    const verify = await verifySeries(target, 'home', user);
    assert.deepEqual([verify.ok, codes(verify.diagnostics)], [false, ['BACKUP_BAD_USER']], JSON.stringify(user));
    const report = await reportSeries(target, 'home', user);
    assert.deepEqual([report.exists, codes(report.diagnostics), report.address], [false, ['BACKUP_BAD_USER'], 'backup/home/?'], JSON.stringify(user));
    const run = await runBackup({
      source: join(dir.path, 'home', 'alice'),
      target: join(dir.path, 'run-target'),
      name: 'home',
      iterations: 3,
      keepSequences: 1,
      compression: 'gzip',
      user,
    });
    assert.deepEqual(codes(run.diagnostics), ['BACKUP_BAD_USER'], JSON.stringify(user));
    await canary.assertUntouched(JSON.stringify(user));
  }
  for (const name of BAD_NAMES) {
    const restore = await restoreBackup({ target, name, user: 'alice', index: 1, to: join(dir.path, 'restored'), force: false });
    assert.deepEqual(codes(restore.diagnostics), ['BACKUP_BAD_NAME'], JSON.stringify(name));
    assert.deepEqual(codes((await verifySeries(target, name)).diagnostics), ['BACKUP_BAD_NAME'], JSON.stringify(name));
    assert.deepEqual(codes((await reportSeries(target, name)).diagnostics), ['BACKUP_BAD_NAME'], JSON.stringify(name));
    assert.deepEqual(
      (await reportPerUserSeries(target, name)).map((r) => codes(r.diagnostics)),
      [['BACKUP_BAD_NAME']],
      JSON.stringify(name),
    );
    const perUser = await runPerUserBackup({ home: join(dir.path, 'home'), target, name, iterations: 3, keepSequences: 1, compression: 'gzip' });
    assert.deepEqual(codes(perUser.diagnostics), ['BACKUP_BAD_NAME'], JSON.stringify(name));
    await canary.assertUntouched(JSON.stringify(name));
  }
  assert.equal(await exists(join(dir.path, 'run-target')), false, 'a run with a bad user creates no target');
  assert.deepEqual((await readdir(target)).sort(), ['alice']);
});

test('a per-user run does not back up a home entry whose name cannot name a folder (newline, leading dash, %, @ first): BACKUP_BAD_USER for it, the others run', async (t) => {
  const dir = await makeTempDir('backup-user-names-home');
  t.after(() => dir.remove());
  const home = join(dir.path, 'home');
  const odd = ['-rf', 'evil\nbackup-home-alice: made home-1.tar.gz', '%s%n', '@x'];
  for (const user of ['alice', 'bob.smith', 'carol@example.com', ...odd]) {
    await mkdir(join(home, user), { recursive: true });
    await writeFile(join(home, user, 'data'), user);
  }
  const target = join(dir.path, 'target');
  const run = await pytin('backup', 'run', '--per-user', home, '--target', target, '--name', 'home', '--json');
  assert.equal(run.exitCode, 1);
  assert.doesNotMatch(run.stderr, STACK_TRACE);
  const report = JSON.parse(run.stdout) as { runs: Array<{ user: string; address: string; result: string; diagnostics: Array<{ code: string }> }> };
  const outcome = new Map(report.runs.map((r) => [r.user, [r.result, r.address, r.diagnostics.map((d) => d.code).join(',')]]));
  assert.deepEqual(outcome.get('alice'), ['success', 'backup/home/alice', '']);
  assert.deepEqual(outcome.get('bob.smith'), ['success', 'backup/home/bob.smith', '']);
  assert.deepEqual(outcome.get('carol@example.com'), ['success', 'backup/home/carol@example.com', '']);
  for (const user of odd) assert.deepEqual(outcome.get(user), ['failed', 'backup/home/?', 'BACKUP_BAD_USER'], JSON.stringify(user));
  assert.deepEqual((await readdir(target)).sort(), ['alice', 'bob.smith', 'carol@example.com'], 'no folder is named after an odd entry');
  // The human output keeps one line per user: a name cannot forge a line of its own.
  const human = await pytin('backup', 'run', '--per-user', home, '--target', target, '--name', 'home');
  assert.equal(human.stdout.trim().split('\n').length, 7);
  assert.equal(human.stdout.split('\n').filter((l) => l.startsWith('backup/home/alice: made home-')).length, 1);
  assert.match(human.stderr, /error BACKUP_BAD_USER: the user directory "evil\\nbackup-home-alice: made home-1\.tar\.gz" of .* is not backed up/);
});
