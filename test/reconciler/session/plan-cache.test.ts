import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { DEFAULT_PARAMETERS, generateInventory } from '../../../examples/generator/generate-inventory.js';
import { recordMatchingFacts } from '../../../examples/generator/matching-facts.js';
import { readCacheFile } from '../../../inventory/cache/cache-file.js';
import { codeIdentity } from '../../../inventory/cache/code-identity.js';
import { readInventory } from '../../../inventory/source/read-inventory.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { DEFAULT_MASS_DESTROY_PERCENT } from '../../../reconciler/plan/safety.js';
import { planMessages, renderPlanJsonLines } from '../../../reconciler/render/plan-json.js';
import { openSession } from '../../../reconciler/session/open-session.js';
import { DEFAULT_OPERATOR_CONFIG } from '../../../reconciler/session/operator-config.js';
import { planInSession } from '../../../reconciler/session/plan-session.js';
import { openStore } from '../../../reconciler/store/open-store.js';
import { makeTempDir } from '../../lab/daemon.js';
import { commitAll, git } from '../../support/git-repo.js';

const SMALL = { ...DEFAULT_PARAMETERS, racks: 4, servers: 60, vms: 300, pools: 4, tenants: 10, colocationRacks: 2 };
const SAFETY = { allowDestroy: [], allowMassDestroy: false, massDestroyPercent: DEFAULT_MASS_DESTROY_PERCENT };
const NOW = Date.parse('2026-12-01T12:00:00Z');

async function planJson(repo: string, storePath: string, inventoryCache: boolean): Promise<string> {
  const opened = await openSession({
    inventory: { repo },
    operator: DEFAULT_OPERATOR_CONFIG,
    storePath,
    env: {},
    trustNewHosts: false,
    parallelism: 1,
    inventoryCache,
  });
  if ('failed' in opened) throw new Error(opened.failed.map((d) => d.summary).join('; '));
  try {
    return renderPlanJsonLines(planMessages((await planInSession(opened.session, { refresh: false, safety: SAFETY, now: NOW })).plan));
  } finally {
    await opened.session.close();
  }
}

test('after a one-file change, the plan made with the inventory cache is the plan made without it, byte for byte', async (t) => {
  const dir = await makeTempDir('plan-cache');
  t.after(dir.remove);
  const repo = join(dir.path, 'repo');
  await generateInventory(repo, SMALL);
  commitAll(repo, 'generated');
  const storePath = join(dir.path, 'state', 'store.sqlite');
  const store = await openStore(storePath);
  const snapshot = await readInventory({ repo });
  await recordMatchingFacts(store, validateInventory(snapshot).state, snapshot.revision.commit, { observedAt: () => NOW - 60_000 });
  await store.close();
  await planJson(repo, storePath, true);
  const cachePath = join(dir.path, 'state', 'inventory-cache.bin');
  assert.equal(readCacheFile(cachePath, codeIdentity()).size, snapshot.files.length, 'the session keeps the cache beside the store');

  // The pull request: one VM file, every VM in it resized.
  const file = snapshot.files.find((f) => f.path.startsWith('vms/'))!.path;
  writeFileSync(join(repo, file), readFileSync(join(repo, file), 'utf8').replace(/vcpus: \d+/g, 'vcpus: 3'));
  git(repo, 'commit', '-qam', 'resize');
  const warm = await planJson(repo, storePath, true);
  assert.equal(readCacheFile(cachePath, codeIdentity()).size, snapshot.files.length + 1, 'one new entry: the changed file');
  const cold = await planJson(repo, storePath, false);
  assert.equal(warm, cold);
  assert.match(warm, /"action":"update"/, 'the change is planned');
});
