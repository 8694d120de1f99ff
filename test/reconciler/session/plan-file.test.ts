import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import type { Plan } from '../../../reconciler/plan/plan.js';
import { readSavedPlan, staleness, writeSavedPlan } from '../../../reconciler/session/plan-file.js';
import { makeTempDir } from '../../lab/daemon.js';

const plan: Plan = {
  revision: { commit: 'a'.repeat(40), ref: 'HEAD', worktree: false, path: '' },
  factsFingerprint: 'f1',
  createdAt: '2026-11-27T08:00:00.000Z',
  changes: [{ address: 'vm/a', action: 'create', driver: 'kvm', host: 'hv-01', before: null, after: { vcpus: 1 } }],
  drift: [],
  diagnostics: [],
};

test('a saved plan reads back equal; an edited or foreign file is refused with a reason', async (t) => {
  const dir = await makeTempDir('plan');
  t.after(dir.remove);
  const path = join(dir.path, 'plan.json');
  await writeSavedPlan(path, plan);
  const saved = await readSavedPlan(path);
  assert.ok(!('severity' in saved));
  assert.deepEqual(saved.plan, plan);
  writeFileSync(path, readFileSync(path, 'utf8').replace('"vcpus": 1', '"vcpus": 64'));
  const edited = await readSavedPlan(path);
  assert.ok('severity' in edited && /was modified after it was saved/.test(edited.summary));
  writeFileSync(path, 'not json');
  assert.ok('severity' in (await readSavedPlan(path)));
  const missing = await readSavedPlan(join(dir.path, 'nope.json'));
  assert.ok('severity' in missing && /ENOENT/.test(missing.summary));
});

test('a plan is stale when the commit or the facts changed, and says which', () => {
  assert.equal(staleness(plan, { commit: 'a'.repeat(40), factsFingerprint: 'f1' }), undefined);
  assert.match(
    staleness(plan, { commit: 'b'.repeat(40), factsFingerprint: 'f1' }) ?? '',
    /inventory is now at bbbbbbbbbbbb, the plan was made at aaaaaaaaaaaa/,
  );
  assert.match(staleness(plan, { commit: 'a'.repeat(40), factsFingerprint: 'f2' }) ?? '', /observed hosts changed/);
});
