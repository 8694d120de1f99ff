import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { readCacheFile, writeCacheFile } from '../../../../inventory/cache/cache-file.js';
import { codeIdentity } from '../../../../inventory/cache/code-identity.js';
import { fileContentKey } from '../../../../inventory/cache/content-key.js';
import { git, makeRepo } from '../../../support/git-repo.js';
import { labTexts, labWith, PROJECT_ROOT } from '../../../support/lab-inventory.js';

const PYTIN = join(PROJECT_ROOT, 'dist', 'reconciler', 'cli', 'pytin.js');

function pytin(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [PYTIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', PYTIN_CONFIG: '' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** The pull request's one-file change: an address that is the pool's gateway. */
const GATEWAY_EDIT = ['vms/acme.yaml', 'ips: [203.0.113.11]', 'ips: [203.0.113.1]'] as const;

test('validate keeps its cache beside the store, out of git, and prints after a one-file change exactly what --no-cache prints', async (t) => {
  const repo = await makeRepo(labTexts());
  t.after(repo.remove);
  const first = pytin(repo.path, 'validate', '--json');
  assert.equal(first.code, 0, first.out + first.err);
  const cachePath = join(repo.path, '.pytin', 'inventory-cache.bin');
  assert.ok(readCacheFile(cachePath, codeIdentity()).size > 0, 'the cache file holds entries of this build');
  assert.equal(git(repo.path, 'status', '--porcelain'), '', 'the state folder pytin made ignores itself');

  const edited = labWith(...GATEWAY_EDIT).get(GATEWAY_EDIT[0])!;
  writeFileSync(join(repo.path, GATEWAY_EDIT[0]), edited);
  git(repo.path, 'commit', '-qam', 'the pull request');
  for (const format of [['--json'], []]) {
    const warm = pytin(repo.path, 'validate', ...format);
    const cold = pytin(repo.path, 'validate', '--no-cache', ...format);
    assert.equal(warm.code, 1);
    assert.equal(warm.out, cold.out);
    assert.equal(warm.err, '');
    assert.match(warm.out, /vms\/acme\.yaml:29:11|"file":"vms\/acme\.yaml","start":\{"line":29,"col":11\}/);
  }
});

test("validate --config keeps the cache in the configuration's state folder", async (t) => {
  const repo = await makeRepo(labTexts());
  t.after(repo.remove);
  const stateDir = join(repo.path, '..', `${repo.path.split('/').pop()}-state`);
  t.after(() => spawnSync('rm', ['-rf', stateDir]));
  const config = join(repo.path, '..', `${repo.path.split('/').pop()}-config.yaml`);
  t.after(() => spawnSync('rm', ['-f', config]));
  writeFileSync(config, `stateDir: ${stateDir}\n`);
  assert.equal(pytin(repo.path, 'validate', '--config', config).code, 0);
  assert.ok(existsSync(join(stateDir, 'inventory-cache.bin')));
  assert.ok(!existsSync(join(repo.path, '.pytin')));
});

test('a cache file committed to the repository is neither read nor written: a branch cannot plant results', async (t) => {
  // The attack: the branch's own (invalid) vms/acme.yaml, and a cache file claiming that exactly
  // these bytes are the valid lab file. Made with pytin's own format and identity, so only the
  // refusal of state that git tracks stops it.
  const good = await makeRepo(labTexts());
  t.after(good.remove);
  assert.equal(pytin(good.path, 'validate').code, 0);
  const goodEntries = readCacheFile(join(good.path, '.pytin', 'inventory-cache.bin'), codeIdentity());
  const path = GATEWAY_EDIT[0];
  const goodKey = fileContentKey(path, Buffer.from(labTexts().get(path)!, 'utf8'));
  const badText = labWith(...GATEWAY_EDIT).get(path)!;
  const forged = new Map(goodEntries).set(fileContentKey(path, Buffer.from(badText, 'utf8')), goodEntries.get(goodKey)!);

  const branch = await makeRepo(labWith(...GATEWAY_EDIT));
  t.after(branch.remove);
  const planted = join(branch.path, '.pytin', 'inventory-cache.bin');
  mkdirSync(join(branch.path, '.pytin'));
  assert.ok(writeCacheFile(planted, codeIdentity(), forged));
  // Untracked (the operator's own file), the forged entry would be believed: the defence is what stops it.
  assert.equal(pytin(branch.path, 'validate').code, 0, 'control: an untracked cache is the operator’s and is used');
  assert.ok(writeCacheFile(planted, codeIdentity(), forged));
  git(branch.path, 'add', '-f', '.pytin/inventory-cache.bin');
  git(branch.path, 'commit', '-qm', 'plant a cache');
  const before = readFileSync(planted);
  const run = pytin(branch.path, 'validate');
  assert.equal(run.code, 1);
  assert.match(run.out, /error INV_RULE_IP_GATEWAY/);
  assert.ok(readFileSync(planted).equals(before), 'the planted file is left as it was');
});
