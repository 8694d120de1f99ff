import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { readInventory } from '../../../inventory/source/read-inventory.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { makeTempDir } from '../../lab/daemon.js';
import { git, makeRepo } from '../../support/git-repo.js';
import { labTexts } from '../../support/lab-inventory.js';

test('--ref reads the commit and --worktree the files on disk, and they differ', async (t) => {
  const repo = await makeRepo(labTexts(), 'inventory');
  t.after(repo.remove);
  writeFileSync(join(repo.path, 'inventory', 'tenants.yaml'), 'kind: Tenant\nname: solo\nbillingId: S-1\n');
  const committed = await readInventory({ repo: repo.path, path: 'inventory' });
  const onDisk = await readInventory({ repo: repo.path, path: 'inventory', worktree: true });
  assert.equal(committed.revision.commit, repo.commit);
  assert.equal(onDisk.revision.commit, repo.commit);
  assert.equal(onDisk.revision.worktree, true);
  const committedState = validateInventory(committed).state;
  const diskState = validateInventory(onDisk).state;
  assert.ok(committedState.resources.has('tenant/acme'));
  assert.ok(!committedState.resources.has('tenant/solo'));
  assert.ok(diskState.resources.has('tenant/solo'));
  assert.ok(!diskState.resources.has('tenant/acme'));
});

test('an older ref reads the older content, and the work tree is not touched', async (t) => {
  const repo = await makeRepo(new Map([['t.yaml', 'kind: Tenant\nname: one\nbillingId: A\n']]));
  t.after(repo.remove);
  writeFileSync(join(repo.path, 't.yaml'), 'kind: Tenant\nname: two\nbillingId: B\n');
  git(repo.path, 'commit', '-qam', 'two');
  const old = await readInventory({ repo: repo.path, ref: repo.commit });
  assert.ok(validateInventory(old).state.resources.has('tenant/one'));
  const head = await readInventory({ repo: repo.path, ref: 'main' });
  assert.ok(validateInventory(head).state.resources.has('tenant/two'));
  assert.equal(git(repo.path, 'status', '--porcelain'), '');
});

test('binary content and sizes survive the batched blob read', async (t) => {
  const files = new Map<string, string | Uint8Array>();
  for (let i = 0; i < 1600; i++) files.set(`t/${String(i).padStart(4, '0')}.yaml`, `kind: Tenant\nname: t${i}\nbillingId: B${i}\n`);
  files.set('t/latin1.yaml', Buffer.from([0x6b, 0x3a, 0x20, 0xe9, 0x0a]));
  const repo = await makeRepo(files);
  t.after(repo.remove);
  const snapshot = await readInventory({ repo: repo.path });
  assert.equal(snapshot.files.length, 1601);
  const result = validateInventory(snapshot);
  assert.equal(result.state.resources.size, 1600);
  assert.deepEqual(
    result.diagnostics.map((d) => d.code),
    ['INV_YAML_NOT_UTF8'],
  );
});

test('not a git repository, an unknown ref, a missing path, an empty repository, an empty inventory', async (t) => {
  const plain = await makeTempDir('plain');
  t.after(plain.remove);
  assert.equal((await readInventory({ repo: plain.path })).diagnostics[0]?.code, 'INV_GIT_NOT_A_REPOSITORY');
  assert.equal((await readInventory({ repo: join(plain.path, 'missing') })).diagnostics[0]?.code, 'INV_GIT_NOT_A_REPOSITORY');
  const repo = await makeRepo(
    new Map([
      ['a/t.yaml', 'kind: Tenant\nname: one\nbillingId: A\n'],
      ['README', 'x'],
    ]),
  );
  t.after(repo.remove);
  const unknown = await readInventory({ repo: repo.path, ref: 'no-such-branch' });
  assert.equal(unknown.diagnostics[0]?.code, 'INV_GIT_UNKNOWN_REF');
  assert.match(unknown.diagnostics[0]!.summary, /no-such-branch/);
  assert.equal((await readInventory({ repo: repo.path, path: 'b' })).diagnostics[0]?.code, 'INV_PATH_NOT_FOUND');
  mkdirSync(join(plain.path, 'fresh'));
  git(join(plain.path, 'fresh'), 'init', '-q');
  const fresh = await readInventory({ repo: join(plain.path, 'fresh') });
  assert.equal(fresh.diagnostics[0]?.code, 'INV_GIT_UNKNOWN_REF');
  assert.match(fresh.diagnostics[0]!.summary, /no commit yet/);
  const empty = validateInventory(await readInventory({ repo: repo.path, path: 'a', worktree: true }));
  assert.deepEqual(empty.diagnostics, []);
  const noYaml = await makeRepo(new Map([['README', 'x']]));
  t.after(noYaml.remove);
  assert.deepEqual(
    validateInventory(await readInventory({ repo: noYaml.path })).diagnostics.map((d) => d.code),
    ['INV_EMPTY'],
  );
});

test('a .yml file is reported as ignored, not silently skipped', async (t) => {
  const repo = await makeRepo(
    new Map([
      ['t.yaml', 'kind: Tenant\nname: one\nbillingId: A\n'],
      ['v.yml', 'kind: Tenant\nname: two\nbillingId: B\n'],
    ]),
  );
  t.after(repo.remove);
  const snapshot = await readInventory({ repo: repo.path });
  assert.deepEqual(
    snapshot.diagnostics.map((d) => `${d.code} ${d.subject?.file}`),
    ['INV_FILE_IGNORED v.yml'],
  );
});
