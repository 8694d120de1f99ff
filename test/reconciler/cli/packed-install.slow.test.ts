import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { PROJECT_ROOT } from '../../support/lab-inventory.js';

// pytin on a host (a backup node): `npm pack` gives a tarball with only what runs, and pytin runs
// from it in a clean prefix.
//
// How the test installs differs from the README's `npm install -g pytin-X.tgz` in two ways, both
// because tests reach nothing beyond loopback: the dependencies come from npm's cache by the
// project's lockfile (`npm ci --offline --omit=dev`; a global install asks the registry for
// versions), and sqlite3's native binding is the one `npm ci` of the checkout compiled here (its
// install script would compile the same sources for minutes, or download from GitHub).

const run = promisify(execFile);

function filesIn(tarball: string): Promise<string[]> {
  return run('tar', ['-tzf', tarball]).then(({ stdout }) => stdout.split('\n').filter((l) => l !== '' && !l.endsWith('/')));
}

test('the packed tarball holds only what runs, and `pytin backup run` works from a clean prefix', { timeout: 600_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'pytin-pack-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));

  // --ignore-scripts: pack dist/ as built; `prepare` would rebuild it under the other tests' feet.
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: PROJECT_ROOT });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote a tarball');
  const files = await filesIn(join(work, tarball));

  for (const must of [
    'package/package.json',
    'package/README.md',
    'package/dist/reconciler/cli/pytin.js',
    'package/dist/build-info.json',
    'package/schemas/inventory.schema.json',
  ]) {
    assert.ok(files.includes(must), `${must} is in the tarball`);
  }
  const extra = files.filter(
    (f) =>
      /^package\/(test|examples|inventory|reconciler|node_modules|dist\/test|dist\/examples)\//.test(f) ||
      /\.(ts|map)$/.test(f) ||
      /(^|\/)(\.pytin|\.git)\//.test(f),
  );
  assert.deepEqual(extra, [], 'no tests, examples, sources, source maps or state in the tarball');

  const prefix = join(work, 'prefix', 'pytin');
  mkdirSync(prefix, { recursive: true });
  await run('tar', ['-xzf', join(work, tarball), '-C', prefix, '--strip-components=1']);
  copyFileSync(join(PROJECT_ROOT, 'package-lock.json'), join(prefix, 'package-lock.json'));
  await run('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: prefix, maxBuffer: 16 << 20 });
  const binding = join('node_modules', 'sqlite3', 'build', 'Release');
  mkdirSync(join(prefix, binding), { recursive: true });
  copyFileSync(join(PROJECT_ROOT, binding, 'node_sqlite3.node'), join(prefix, binding, 'node_sqlite3.node'));
  const installed = readdirSync(join(prefix, 'node_modules'));
  for (const dev of ['typescript', 'eslint', 'prettier', 'knip']) assert.ok(!installed.includes(dev), `${dev} (a dev tool) is not installed`);

  const bin = join(prefix, 'dist', 'reconciler', 'cli', 'pytin.js');
  const source = join(work, 'home');
  const target = join(work, 'backups');
  mkdirSync(source);
  writeFileSync(join(source, 'notes.txt'), 'kept\n');
  const backup = await run('node', [bin, 'backup', 'run', '--source', source, '--target', target, '--name', 'home'], { cwd: work });
  assert.match(backup.stdout, /made home-1\.tar\.gz \(full/);
  // GNU tar, not pytin, says what the archive holds.
  const archived = await filesIn(join(target, 'home-1.tar.gz'));
  assert.ok(
    archived.some((f) => f.endsWith('notes.txt')),
    archived.join(', '),
  );
});
