import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

import { makeRepo } from '../../../support/git-repo.js';
import { labTexts, PROJECT_ROOT } from '../../../support/lab-inventory.js';

const PYTIN = join(PROJECT_ROOT, 'dist', 'reconciler', 'cli', 'pytin.js');

test('plan --detailed-exitcode against a store that observed nothing exits 3, never 0, and says why once', async (t) => {
  const repo = await makeRepo(labTexts());
  t.after(repo.remove);
  const run = spawnSync(process.execPath, [PYTIN, 'plan', '--detailed-exitcode'], { cwd: repo.path, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(run.status, 3, run.stdout + run.stderr);
  assert.equal(run.stdout.match(/PLAN_NOTHING_OBSERVED/g)?.length, 1, run.stdout);
  assert.match(run.stdout, /No changes planned; see the diagnostics for what was not compared\./);
  // Without --detailed-exitcode a plan that could be made is a success.
  const plain = spawnSync(process.execPath, [PYTIN, 'plan'], { cwd: repo.path, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(plain.status, 0, plain.stdout + plain.stderr);
});
