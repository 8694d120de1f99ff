import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { generateInventory } from '../../../examples/generator/generate-inventory.js';
import { recordMatchingFacts } from '../../../examples/generator/matching-facts.js';
import { readInventory } from '../../../inventory/source/read-inventory.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { DEFAULT_MASS_DESTROY_PERCENT } from '../../../reconciler/plan/safety.js';
import { planMessages, renderPlanJsonLines } from '../../../reconciler/render/plan-json.js';
import { openSession } from '../../../reconciler/session/open-session.js';
import { DEFAULT_OPERATOR_CONFIG } from '../../../reconciler/session/operator-config.js';
import { planInSession } from '../../../reconciler/session/plan-session.js';
import { openStore } from '../../../reconciler/store/open-store.js';
import { makeTempDir } from '../../lab/daemon.js';
import { commitFixed, GOLDEN_NOW, RELEASE_FIXTURES, writeReleaseStore } from './fixtures/release-store.js';

// Behaviour kept: the plans below were recorded with release 0.1 (before the session/driver
// restructuring). The same inventory, facts and time must give the same JSON, byte for byte.

const SAFETY = { allowDestroy: [], allowMassDestroy: false, massDestroyPercent: DEFAULT_MASS_DESTROY_PERCENT };

async function planJson(repo: string, storePath: string, now: number): Promise<string> {
  const opened = await openSession({ inventory: { repo }, operator: DEFAULT_OPERATOR_CONFIG, storePath, env: {}, trustNewHosts: false, parallelism: 1 });
  if ('failed' in opened) throw new Error(opened.failed.map((d) => d.summary).join('; '));
  try {
    return renderPlanJsonLines(planMessages((await planInSession(opened.session, { refresh: false, safety: SAFETY, now })).plan));
  } finally {
    await opened.session.close();
  }
}

/** The golden plan with its facts fingerprint taken from `actual`. The fingerprint is a hash of
 * what the drivers plan from, not behaviour an operator sees: it changed on purpose when the tc
 * driver stopped hashing tc's packet counters (a plan saved by release 0.1 is refused as stale
 * after an upgrade, the safe direction). fingerprint.test.ts holds what it must and must not cover. */
function withFingerprintOf(actual: string, golden: string): string {
  const pattern = /"factsFingerprint":"[0-9a-f]{64}"/;
  const current = actual.match(pattern);
  assert.ok(current && pattern.test(golden), 'both plans carry a facts fingerprint');
  return golden.replace(pattern, current[0]);
}

/** The commit release 0.1's lab plan names: the fixture inventory committed as it was then. */
const RELEASE_LAB_COMMIT = 'f9c5383fd5c70b6007c5ca10c611818932475921';

test('the lab plan against a store written by release 0.1 is the one that release made', async (t) => {
  const dir = await makeTempDir('golden-lab');
  t.after(dir.remove);
  const repo = join(dir.path, 'repo');
  // The one edit an operator makes on upgrading: the store's location left the inventory
  // (INV_RULE_OPERATOR_SETTING). It changes the commit id and nothing else in the plan.
  commitFixed(join(RELEASE_FIXTURES, 'lab-inventory'), repo, (files) => {
    const settings = join(files, 'settings.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('path: .pytin/store.sqlite\n', ''));
  });
  const storePath = join(dir.path, 'store.sqlite');
  await writeReleaseStore(storePath);
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  const golden = readFileSync(join(RELEASE_FIXTURES, 'lab-plan.jsonl'), 'utf8');
  assert.equal(golden.split(RELEASE_LAB_COMMIT).length, 2, "the release commit appears once, in the plan's revision");
  const actual = await planJson(repo, storePath, GOLDEN_NOW);
  assert.equal(actual, withFingerprintOf(actual, golden.replace(RELEASE_LAB_COMMIT, commit)));
});

test('the plan of a generated inventory against (mutated) matching facts is the one release 0.1 made', async (t) => {
  const dir = await makeTempDir('golden-generated');
  t.after(dir.remove);
  const files = join(dir.path, 'files');
  mkdirSync(files);
  await generateInventory(files, { racks: 6, servers: 60, vms: 240, pools: 4, datacenters: 2, tenants: 20, seed: 7 });
  const repo = join(dir.path, 'repo');
  // The generator's secret references moved since release 0.1 (PYTIN_SECRET_* variables, keys in
  // the secrets folder); written as they were then, the inventory is byte for byte release 0.1's
  // and so is its commit id. A plan without --refresh never resolves them.
  commitFixed(files, repo, (copy) => {
    const settings = join(copy, 'settings.yaml');
    writeFileSync(
      settings,
      readFileSync(settings, 'utf8')
        .replace('{env: PYTIN_SECRET_SNMP_COMMUNITY}', '{env: PYTIN_SNMP_COMMUNITY}')
        .replace('{file: id_ed25519}', '{file: .pytin/id_ed25519}'),
    );
  });
  const snapshot = await readInventory({ repo });
  const { state } = validateInventory(snapshot);
  const storePath = join(dir.path, 'store.sqlite');
  const store = await openStore(storePath);
  const at = Date.parse('2026-01-01T00:00:00Z');
  // The mutations release-0.1/README.md describes.
  await recordMatchingFacts(store, state, snapshot.revision.commit, {
    observedAt: (i) => at + i,
    mutate(i, all) {
      if (i % 7 === 0) return null;
      let domains = all;
      if (i % 5 === 0) domains = domains.slice(1);
      // Memory set by hand to 1 MiB in a shut-off domain, recorded as 0.1 recorded facts (without
      // the persistent definition, which today's observe adds and which brings its own drift).
      if (i % 6 === 0 && domains[0]) domains[0] = { ...domains[0], memoryKiB: 1024, state: 'shut-off', config: undefined, currentMemoryKiB: undefined };
      if (i % 9 === 0) domains.push({ ...domains[0]!, name: `stray-${i}`, pytin: null });
      return domains;
    },
  });
  await store.close();
  // Since issue 10 a plan also says once which hosts were never observed (14 here: every 7th host's
  // facts are missing); apart from that one line (and the facts fingerprint, see withFingerprintOf)
  // the plan is release 0.1's.
  const lines = (await planJson(repo, storePath, at + 3_600_000)).split('\n');
  const coverage = lines.filter((l) => l.includes('"code":"PLAN_NOT_OBSERVED"'));
  assert.equal(coverage.length, 1);
  assert.match(coverage[0]!, /"14 of 66 hosts and switches were never observed/);
  const actual = lines
    .filter((l) => !coverage.includes(l))
    .join('\n')
    .replace('"warnings":9,', '"warnings":8,');
  assert.equal(actual, withFingerprintOf(actual, readFileSync(join(RELEASE_FIXTURES, 'generated-plan.jsonl'), 'utf8')));
});
