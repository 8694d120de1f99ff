import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, open, readdir, readFile, rename, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import type { BackupRunOptions } from '../../../reconciler/backup/backup-options.js';
import { sha256OfFile } from '../../../reconciler/backup/fs/archive-checksum.js';
import { runBackup } from '../../../reconciler/backup/run/backup-run.js';
import { makeTempDir } from '../../lab/daemon.js';
import { listJson, pytin, STACK_TRACE } from './backup-cli.js';
import { canaryFile, canaryFolder, watch } from './canary.js';
import { manifestDifferences, manifestOf } from './tree-manifest.js';

/** Issue 8, hole 4: an attacker who can place files in the target folder, or name files in the
 * backed-up tree, must not make a run (or list, verify, restore) write, chmod, delete or read
 * anything outside what pytin owns. Each canary stands for a file such as /etc/passwd. */

async function tree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

function options(source: string, target: string, extra: Partial<BackupRunOptions> = {}): BackupRunOptions {
  return { source, target, name: 's', iterations: 5, keepSequences: 1, compression: 'gzip', ...extra };
}

test('links planted at the names of the index, snapshot, lock and log are never followed: no write into, and no word of, the file they point to', async (t) => {
  const dir = await makeTempDir('backup-links-series-files');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  await tree(source, { a: 'a' });
  const cases: Array<{ file: string; runs: number; expected: RegExp }> = [
    // The run log was appended through a link: a JSON line at the end of /etc/passwd.
    {
      file: 's.log.jsonl',
      runs: 1,
      expected: /warning BACKUP_LOG_FAILED: the run log .*s\.log\.jsonl could not be appended: .* is a symbolic link; pytin does not follow or touch it/,
    },
    // The index was read through a link, and the JSON error quoted the start of the file.
    { file: 's.index.json', runs: 1, expected: /error BACKUP_UNSAFE_FILE: the series index .*s\.index\.json is a symbolic link/ },
    // The snapshot was copied through a link into the target, where tar read it.
    { file: 's-1.snar', runs: 1, expected: /error BACKUP_UNSAFE_FILE: the snapshot .*s-1\.snar is a symbolic link/ },
    { file: 's.lock', runs: 1, expected: /error BACKUP_UNSAFE_FILE: the lock .*s\.lock is a symbolic link/ },
  ];
  for (const [n, { file, runs, expected }] of cases.entries()) {
    const target = join(dir.path, `target-${n}`);
    for (let i = 0; i < runs; i++) assert.equal((await pytin('backup', 'run', '--source', source, '--target', target, '--name', 's')).exitCode, 0);
    const canary = await canaryFile(join(dir.path, `passwd-${n}`));
    await rm(join(target, file), { force: true });
    await symlink(canary.path, join(target, file));
    const run = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 's');
    const list = await pytin('backup', 'list', '--target', target, '--name', 's', '--json');
    const verify = await pytin('backup', 'verify', '--target', target, '--name', 's');
    const restore = await pytin('backup', 'restore', '--target', target, '--name', 's', '--index', '1', '--to', join(dir.path, `restored-${n}`));
    await canary.assertUntouched(`${file}: the file the link points to was changed`);
    for (const outcome of [run, list, verify, restore]) {
      assert.doesNotMatch(outcome.stdout + outcome.stderr, /root:x|secret-canary/, `${file}: the content of the linked file was shown`);
    }
    for (const entry of await readdir(target)) {
      if (entry === file) continue;
      assert.doesNotMatch(await readFile(join(target, entry), 'utf8').catch(() => ''), /secret-canary/, `${file}: the linked file was copied into ${entry}`);
    }
    assert.match(run.stderr, expected, file);
    assert.doesNotMatch(run.stderr, STACK_TRACE);
  }
});

test("another program's files at the lock and log names of a series (a target and name chosen badly, or with intent) are neither taken over nor appended to", async (t) => {
  const dir = await makeTempDir('backup-foreign-lock-log');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  await tree(source, { a: 'a' });
  // A folder of another program, which keeps a pid file as app.lock and JSON lines as app.log.jsonl.
  const target = join(dir.path, 'var-lib-app');
  await mkdir(target);
  await writeFile(join(target, 'app.lock'), '4242\n');
  const anHourAgo = new Date(Date.now() - 3600_000);
  await utimes(join(target, 'app.lock'), anHourAgo, anHourAgo);
  await writeFile(join(target, 'app.log.jsonl'), '{"level":"info","msg":"app started"}\n');
  const lock = await watch(join(target, 'app.lock'));
  const log = await watch(join(target, 'app.log.jsonl'));
  const refused = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'app');
  await lock.assertUntouched("another program's lock file was taken over as a torn lock");
  await log.assertUntouched("a run line was appended to another program's log");
  assert.equal(refused.exitCode, 1);
  assert.match(refused.stderr, /error BACKUP_UNSAFE_FILE: the lock .*app\.lock is not a lock pytin wrote/);
  assert.match(refused.stderr, /warning BACKUP_LOG_FAILED: the run log .*app\.log\.jsonl could not be appended: .* does not begin as pytin writes it/);
  const listed = (await listJson(target, 'app')).series[0]!;
  assert.equal(listed.lastRun, null, "the other program's lines are not run log entries");

  await rm(join(target, 'app.lock'));
  const ran = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'app');
  assert.equal(ran.exitCode, 0, ran.stderr);
  assert.match(ran.stderr, /warning BACKUP_LOG_FAILED/);
  await log.assertUntouched();
});

test("a snapshot altered in the target is neither the base of an increment (which would silently miss changes) nor removed as pytin's", async (t) => {
  const dir = await makeTempDir('backup-snapshot-changed');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  const target = join(dir.path, 'target');
  await tree(source, { a: 'a' });
  const run = () => pytin('backup', 'run', '--source', source, '--target', target, '--name', 's');
  assert.equal((await run()).exitCode, 0);
  const real = await readFile(join(target, 's-1.snar'));
  await writeFile(join(target, 's-1.snar'), Buffer.concat([real, Buffer.from('\0forged\0')]));
  const forged = await watch(join(target, 's-1.snar'));
  await writeFile(join(source, 'b'), 'b');
  const refused = await run();
  await forged.assertUntouched();
  assert.equal(refused.exitCode, 1);
  assert.match(
    refused.stderr,
    /error BACKUP_SNAPSHOT_CHANGED: the snapshot .*s-1\.snar of index 1 is not the one recorded \(another sha256\); an increment made from it could silently miss changes/,
  );
  const verify = await pytin('backup', 'verify', '--target', target, '--name', 's');
  assert.equal(verify.exitCode, 1);
  assert.match(verify.stderr, /error BACKUP_SNAPSHOT_CHANGED/);
  await writeFile(join(target, 's-1.snar'), real);
  const next = await run();
  assert.equal(next.exitCode, 0, next.stderr);
  assert.ok(!(await readdir(target)).includes('s-1.snar'), 'the recorded snapshot is removed once it is no longer current');
});

test("temporary files swapped for links while tar runs: tar writes only through the run's own descriptors, and nothing is committed", async (t) => {
  const dir = await makeTempDir('backup-links-temporary');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  const target = join(dir.path, 'target');
  await tree(source, { a: 'a' });
  assert.equal((await runBackup(options(source, target))).result, 'success');
  await writeFile(join(source, 'b'), 'b');
  const archiveCanary = await canaryFile(join(dir.path, 'passwd'));
  const snapshotCanary = await canaryFile(join(dir.path, 'shadow'));
  const indexBefore = await readFile(join(target, 's.index.json'), 'utf8');
  // tar reads its --exclude-from while parsing its options: a FIFO holds it there until the
  // attacker has swapped the names, before it opens anything else.
  const fifo = join(dir.path, 'exclude.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  let swapped: Promise<void> | undefined;
  const attack = async () => {
    try {
      for (const entry of await readdir(target)) {
        const canary = entry.startsWith('.s-2.tar.gz') ? archiveCanary : entry.startsWith('.s-2.snar') ? snapshotCanary : undefined;
        if (canary === undefined) continue;
        await rename(join(target, entry), join(dir.path, `moved-${entry}`));
        await symlink(canary.path, join(target, entry));
      }
      // The names older versions used, which anyone could predict.
      await symlink(archiveCanary.path, join(target, '.s-2.tar.gz.partial')).catch(() => undefined);
      await symlink(snapshotCanary.path, join(target, '.s-2.snar.partial')).catch(() => undefined);
    } finally {
      await (await open(fifo, 'w')).close();
    }
  };
  const run = await runBackup(options(source, target, { excludeFrom: fifo, hooks: { onTarStarted: () => void (swapped = attack()) } }));
  await swapped;
  await archiveCanary.assertUntouched('tar wrote the archive through a link');
  await snapshotCanary.assertUntouched('tar wrote the snapshot through a link');
  assert.equal(run.result, 'failed');
  assert.match(
    run.diagnostics.map((d) => `${d.code}: ${d.summary}`).join('\n'),
    /BACKUP_UNSAFE_FILE: .*\.s-2\.tar\.gz\.[0-9a-f]{32}\.partial was replaced by another file while the run wrote it; archive 2 was not committed/,
  );
  assert.equal(await readFile(join(target, 's.index.json'), 'utf8'), indexBefore, 'nothing was committed');
  assert.ok(!(await readdir(target)).includes('s-2.tar.gz'), "the link is not left at the archive's name");
  const next = await runBackup(options(source, target));
  assert.equal(next.result, 'success', JSON.stringify(next.diagnostics));
  assert.equal(next.index, 2);
  await archiveCanary.assertUntouched();
});

test('an index that names files outside the target is refused whole: restore does not extract from them, verify does not read them, a run does not remove them', async (t) => {
  const dir = await makeTempDir('backup-links-index-paths');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  const target = join(dir.path, 'target');
  await tree(source, { a: 'a' });
  assert.equal((await pytin('backup', 'run', '--source', source, '--target', target, '--name', 's')).exitCode, 0);
  // An archive the attacker made, outside the target, with its real checksum.
  const evil = join(dir.path, 'elsewhere');
  await tree(join(evil, 'tree'), { authorized_keys: 'ssh-ed25519 AAAA attacker' });
  assert.equal(spawnSync('tar', ['--create', '--gzip', `--file=${join(evil, 's-1.tar.gz')}`, `--directory=${join(evil, 'tree')}`, '.']).status, 0);
  const canary = await canaryFolder(join(dir.path, 'precious'));
  const index = JSON.parse(await readFile(join(target, 's.index.json'), 'utf8')) as { archives: Array<Record<string, unknown>>; removing?: unknown[] };
  const edits: Array<[string, (i: typeof index) => void]> = [
    ['an archive elsewhere', (i) => Object.assign(i.archives[0]!, { file: '../elsewhere/s-1.tar.gz', sha256: '' })],
    ['an absolute archive path', (i) => Object.assign(i.archives[0]!, { file: join(evil, 's-1.tar.gz') })],
    ['a removal outside', (i) => (i.removing = [{ file: '../precious/precious', ino: 1, sizeBytes: 13, mtimeMs: 0 }])],
  ];
  const evilSha = await sha256OfFile(join(evil, 's-1.tar.gz'));
  for (const [what, edit] of edits) {
    const crafted = structuredClone(index);
    edit(crafted);
    if (crafted.archives[0]!.sha256 === '') crafted.archives[0]!.sha256 = evilSha;
    await writeFile(join(target, 's.index.json'), JSON.stringify(crafted));
    const to = join(dir.path, 'restored');
    const commands = [['restore', '--index', '1', '--to', to], ['verify'], ['list'], ['run', '--source', source]];
    for (const command of commands) {
      const outcome = await pytin('backup', command[0]!, ...command.slice(1), '--target', target, '--name', 's');
      assert.equal(outcome.exitCode, 1, `${what}: ${command[0]}`);
      assert.match(
        outcome.stderr,
        /error BACKUP_STATE_CORRUPT: .*(archive|removal) entry 1 is malformed or names a file that is not of this series/,
        `${what}: ${command[0]}`,
      );
    }
    await rm(to, { recursive: true, force: true });
    await canary.assertUntouched(what);
  }
});

test("a target, or a user's folder of a per-user target, that is a link is refused: nothing is written where it points", async (t) => {
  const dir = await makeTempDir('backup-links-target');
  t.after(() => dir.remove());
  const home = join(dir.path, 'home');
  await tree(home, { 'alice/mail': 'alice', 'bob/mail': 'bob' });
  const elsewhere = await canaryFolder(join(dir.path, 'etc-cron.d'));
  const linkedTarget = join(dir.path, 'linked-target');
  await symlink(elsewhere.path, linkedTarget);
  const single = await pytin('backup', 'run', '--source', join(home, 'alice'), '--target', linkedTarget, '--name', 's');
  await elsewhere.assertUntouched('a run wrote through a linked target');
  assert.equal(single.exitCode, 1);
  assert.match(single.stderr, /error BACKUP_TARGET_SYMLINK: the target .*linked-target is a symbolic link; pytin does not write through it/);
  assert.match(single.stderr, /give the directory it points to: .*etc-cron\.d/);
  const perUser = await pytin('backup', 'run', '--per-user', home, '--target', linkedTarget, '--name', 'home');
  assert.equal(perUser.exitCode, 1);
  assert.match(perUser.stderr, /error BACKUP_TARGET_SYMLINK/);
  for (const reader of [['list'], ['verify'], ['list', '--per-user']]) {
    const outcome = await pytin('backup', reader[0]!, ...reader.slice(1), '--target', linkedTarget, '--name', 'home');
    assert.equal(outcome.exitCode, 1, reader.join(' '));
    assert.match(outcome.stderr, /error BACKUP_TARGET_SYMLINK: .*linked-target is a symbolic link; pytin does not read a series through it/, reader.join(' '));
  }
  await elsewhere.assertUntouched('a run wrote through a linked target');

  // Bob's folder of a per-user target is a link someone placed: bob fails, alice is backed up.
  const target = join(dir.path, 'target');
  await mkdir(target, { mode: 0o700 });
  await symlink(elsewhere.path, join(target, 'bob'));
  const run = await pytin('backup', 'run', '--per-user', home, '--target', target, '--name', 'home', '--json');
  await elsewhere.assertUntouched('a run wrote through a linked user folder');
  assert.equal(run.exitCode, 1);
  const runs = (JSON.parse(run.stdout) as { runs: Array<{ user: string; result: string; diagnostics: Array<{ code: string }> }> }).runs;
  assert.deepEqual(
    runs.map((r) => [r.user, r.result, r.diagnostics.map((d) => d.code).join()]),
    [
      ['alice', 'success', ''],
      ['bob', 'failed', 'BACKUP_TARGET_SYMLINK'],
    ],
  );
  const bob = await pytin('backup', 'restore', '--target', target, '--name', 'home', '--user', 'bob', '--index', '1', '--to', join(dir.path, 'r'));
  assert.match(bob.stderr, /error BACKUP_TARGET_SYMLINK: .*target\/bob is a symbolic link/);
  await elsewhere.assertUntouched('a run wrote through a linked user folder');
});

test('a FIFO or a device in place of the index does not hang list, verify or a run', { timeout: 120_000 }, async (t) => {
  const dir = await makeTempDir('backup-links-fifo');
  t.after(() => dir.remove());
  const source = join(dir.path, 'src');
  const target = join(dir.path, 'target');
  await tree(source, { a: 'a' });
  assert.equal((await pytin('backup', 'run', '--source', source, '--target', target, '--name', 's')).exitCode, 0);
  for (const kind of ['fifo', 'device']) {
    await rm(join(target, 's.index.json'), { force: true });
    if (kind === 'fifo') assert.equal(spawnSync('mkfifo', [join(target, 's.index.json')]).status, 0);
    // /dev/zero would never end; mknod makes one in the target as only root can.
    else assert.equal(spawnSync('mknod', [join(target, 's.index.json'), 'c', '1', '5']).status, 0);
    const series = (await listJson(target, 's')).series[0]!;
    assert.match(JSON.stringify(series.diagnostics), /BACKUP_UNSAFE_FILE.*is not a regular file/, kind);
    for (const command of [['verify'], ['run', '--source', source]]) {
      const outcome = await pytin('backup', command[0]!, ...command.slice(1), '--target', target, '--name', 's');
      assert.equal(outcome.exitCode, 1, `${kind}: ${command[0]}`);
      assert.match(outcome.stderr, /error BACKUP_UNSAFE_FILE: the series index .* is not a regular file/, `${kind}: ${command[0]}`);
    }
  }
});

test('file names of the backed-up tree (newlines, leading dashes, %, option-like) are archived and restored exactly, and a folder swapped for a link to outside between runs does not make a restore touch outside', async (t) => {
  const dir = await makeTempDir('backup-links-tree-names');
  t.after(() => dir.remove());
  const source = join(dir.path, 'home-of-mallory');
  const target = join(dir.path, 'target');
  await tree(source, {
    'line\nbreak': 'newline in the name',
    '-rf': 'leading dash',
    '--exclude=*': 'an option as a name',
    '--to-command=touch pwned': 'another',
    '%s%n%x': 'printf',
    'd/x': 'a folder that will become a link',
  });
  const outside = await canaryFolder(join(dir.path, 'outside'));
  const run = () => pytin('backup', 'run', '--source', source, '--target', target, '--name', 's');
  const first = await run();
  assert.equal(first.exitCode, 0, first.stderr);
  assert.equal(first.stdout.trim().split('\n').length, 1);
  // Index 2: d is a link to the outside folder; index 3: a folder again, with other content.
  await rm(join(source, 'd'), { recursive: true });
  await symlink(outside.path, join(source, 'd'));
  assert.equal((await run()).exitCode, 0);
  await unlink(join(source, 'd'));
  await tree(source, { 'd/y': 'folder again' });
  assert.equal((await run()).exitCode, 0);
  const to = join(dir.path, 'restored');
  const restore = await pytin('backup', 'restore', '--target', target, '--name', 's', '--index', '3', '--to', to);
  assert.equal(restore.exitCode, 0, restore.stderr);
  assert.deepEqual(manifestDifferences(await manifestOf(source), await manifestOf(to)), []);
  await outside.assertUntouched('restoring the chain deleted or wrote through the link');
  const at2 = join(dir.path, 'restored-2');
  assert.equal((await pytin('backup', 'restore', '--target', target, '--name', 's', '--index', '2', '--to', at2)).exitCode, 0);
  await outside.assertUntouched();
  assert.deepEqual(
    (await readdir(dir.path)).filter((e) => e.includes('pwned')),
    [],
  );
});

test("TAR_OPTIONS in pytin's environment does not change what tar archives or restores", async (t) => {
  const dir = await makeTempDir('backup-tar-options');
  const previous = process.env.TAR_OPTIONS;
  t.after(async () => {
    if (previous === undefined) delete process.env.TAR_OPTIONS;
    else process.env.TAR_OPTIONS = previous;
    await dir.remove();
  });
  const source = join(dir.path, 'src');
  await tree(source, { 'keys/id_ed25519': 'private key', readme: 'hello' });
  process.env.TAR_OPTIONS = '--exclude=keys --absolute-names';
  const target = join(dir.path, 'target');
  assert.equal((await pytin('backup', 'run', '--source', source, '--target', target, '--name', 's')).exitCode, 0);
  const to = join(dir.path, 'restored');
  assert.equal((await pytin('backup', 'restore', '--target', target, '--name', 's', '--index', '1', '--to', to)).exitCode, 0);
  assert.deepEqual(manifestDifferences(await manifestOf(source), await manifestOf(to)), []);
});
