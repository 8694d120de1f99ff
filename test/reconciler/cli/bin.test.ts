import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { PROJECT_ROOT } from '../../support/lab-inventory.js';

// The README's ways of running pytin, run as a user would after either README command: the suite
// runs after `npm test` rebuilt dist/ (pretest), which is when `npx pytin` used to fail with
// "Permission denied" (tsc writes the bin 0644).

const run = promisify(execFile);
const BIN = join(PROJECT_ROOT, 'dist', 'reconciler', 'cli', 'pytin.js');

/** What --version must say, worked out here from package.json and git, not from pytin. */
async function expectedVersionPrefix(): Promise<string> {
  const version = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const head = (await run('git', ['rev-parse', 'HEAD'], { cwd: PROJECT_ROOT })).stdout.trim();
  return `pytin ${version} (commit ${head.slice(0, 12)}`;
}

test('the built bin is executable by everyone who may read it', () => {
  assert.equal(statSync(BIN).mode & 0o111, 0o111);
});

test('`npx pytin --version` in the checkout prints the version and the commit it was built from', async () => {
  const { stdout } = await run('npx', ['--no-install', 'pytin', '--version'], { cwd: PROJECT_ROOT });
  assert.ok(stdout.startsWith(await expectedVersionPrefix()), stdout);
  assert.match(stdout, /\)\n$/);
});

test('a global install of the checkout (what `npm link` does) puts a working `pytin` on the PATH', async (t) => {
  const prefix = mkdtempSync(join(tmpdir(), 'pytin-link-'));
  t.after(() => rmSync(prefix, { recursive: true, force: true }));
  // --ignore-scripts: the link must work with dist/ as it is, without npm rebuilding it.
  await run('npm', ['install', '--global', '--prefix', prefix, '--offline', '--ignore-scripts', '--no-audit', '--no-fund', PROJECT_ROOT]);
  const { stdout } = await run('pytin', ['--version'], { env: { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}` } });
  assert.ok(stdout.startsWith(await expectedVersionPrefix()), stdout);
  // And it is pytin, not a shim: a command's help comes back.
  const help = await run(join(prefix, 'bin', 'pytin'), ['validate', '--help']);
  assert.match(help.stdout, /pytin validate/);
});
