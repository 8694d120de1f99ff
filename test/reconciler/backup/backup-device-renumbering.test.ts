import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { makeTempDir } from '../../lab/daemon.js';
import { pytin } from './backup-cli.js';

function sh(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

test('a source whose device number changed (as after a reboot) still gets a small increment, not a silent full copy', async (t) => {
  const dir = await makeTempDir('backup-device');
  const image = join(dir.path, 'fs.img');
  const source = join(dir.path, 'source');
  const target = join(dir.path, 'target');
  const loops: string[] = [];
  // Undo mount and loop devices before removing the folder, also when the test fails.
  t.after(async () => {
    spawnSync('umount', [source]);
    for (const loop of loops) spawnSync('losetup', ['-d', loop]);
    await dir.remove();
  });
  sh('truncate', ['-s', '32M', image]);
  sh('mkfs.ext4', ['-q', image]);
  await mkdir(source);
  loops.push(sh('losetup', ['-f', '--show', image]));
  sh('mount', [loops[0]!, source]);
  for (let i = 0; i < 40; i++) await writeFile(join(source, `file-${i}.txt`), `file ${i}`);
  assert.equal((await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'vol')).exitCode, 0);
  const deviceBefore = (await stat(source)).dev;

  // The same file system comes back through another block device: same inodes, new st_dev.
  sh('umount', [source]);
  loops.push(sh('losetup', ['-f', '--show', image]));
  sh('losetup', ['-d', loops.shift()!]);
  sh('mount', [loops[0]!, source]);
  assert.notEqual((await stat(source)).dev, deviceBefore, 'the device number changed');

  await writeFile(join(source, 'file-7.txt'), 'changed after the "reboot"');
  const run = await pytin('backup', 'run', '--source', source, '--target', target, '--name', 'vol');
  assert.equal(run.exitCode, 0, run.stderr);
  const members = sh('tar', ['--list', '--gzip', `--file=${join(target, 'vol-2.tar.gz')}`]).split('\n');
  assert.deepEqual(
    members.filter((m) => m.endsWith('.txt')),
    ['./file-7.txt'],
  );
});
