import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { git, makeRepo } from '../../support/git-repo.js';
import { labTexts, PROJECT_ROOT } from '../../support/lab-inventory.js';

const PYTIN = join(PROJECT_ROOT, 'dist', 'reconciler', 'cli', 'pytin.js');

function pytin(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [PYTIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

test('a corrupt object in the inventory repository is INV_GIT_FAILED: nothing is validated or planned, no file is silently left out', async (t) => {
  const repo = await makeRepo(labTexts());
  t.after(repo.remove);
  // A damaged disk or an interrupted copy: the loose object of tenants.yaml no longer inflates.
  const blob = git(repo.path, 'rev-parse', 'HEAD:tenants.yaml').trim();
  writeFileSync(join(repo.path, '.git', 'objects', blob.slice(0, 2), blob.slice(2)), 'not zlib data');
  assert.notEqual(spawnSync('git', ['fsck', '--no-progress'], { cwd: repo.path }).status, 0, 'git itself finds the repository damaged');

  for (const command of ['validate', 'plan']) {
    const run = pytin(repo.path, command);
    const said = run.stdout + run.stderr;
    assert.equal(run.status, 1, said);
    assert.match(
      said,
      new RegExp(`error INV_GIT_FAILED: git cannot read tenants\\.yaml at HEAD \\(${repo.commit.slice(0, 12)}\\): object ${blob} is corrupt or missing`),
    );
    assert.match(said, /git fsck/);
    // Before, the file was dropped without a word and the inventory read as if it had no
    // tenants: every reference to them failed, and a plan would have been made without them.
    assert.doesNotMatch(said, /INV_RULE_UNKNOWN_REFERENCE|Tenant "acme" does not exist/);
    assert.doesNotMatch(said, /\n\s+at /, 'a diagnostic, not a stack');
  }
  const json = pytin(repo.path, 'plan', '--json');
  const lines = json.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; code?: string });
  assert.deepEqual(
    lines.filter((l) => l.type === 'diagnostic').map((l) => l.code),
    ['INV_GIT_FAILED'],
  );
  assert.equal(lines.filter((l) => l.type === 'change').length, 0, 'no change is planned from a damaged repository');
});
