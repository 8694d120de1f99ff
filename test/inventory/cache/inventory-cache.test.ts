import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { DEFAULT_PARAMETERS, generateInventory } from '../../../examples/generator/generate-inventory.js';
import { readCacheFile } from '../../../inventory/cache/cache-file.js';
import { codeIdentity } from '../../../inventory/cache/code-identity.js';
import { InventoryCache } from '../../../inventory/cache/inventory-cache.js';
import { formatDiagnostic } from '../../../inventory/core/diagnostic.js';
import type { InventorySnapshot } from '../../../inventory/source/inventory-snapshot.js';
import { readInventory } from '../../../inventory/source/read-inventory.js';
import { validateInventory, type ValidationResult } from '../../../inventory/validate/validate-inventory.js';
import { makeTempDir } from '../../lab/daemon.js';
import { commitAll, git } from '../../support/git-repo.js';
import { PROJECT_ROOT, snapshotOf } from '../../support/lab-inventory.js';

const SMALL = { ...DEFAULT_PARAMETERS, racks: 4, servers: 60, vms: 300, pools: 4, tenants: 10, colocationRacks: 2 };
const CORPUS = join(PROJECT_ROOT, 'test', 'inventory', 'corpus');

/** A generated inventory plus every file of the bad-input corpus (under corpus/): YAML, schema and
 * rule diagnostics of every kind, so that a cached result has something to get wrong. */
async function inventoryTexts(dir: string): Promise<Map<string, string>> {
  const texts = await generateInventory(dir, SMALL);
  for (const name of readdirSync(CORPUS)) texts.set(`corpus/${name}`, readFileSync(join(CORPUS, name), 'utf8'));
  // The same bytes under another path: its diagnostics name its own path, so the path is part of the key.
  texts.set('corpus/copy/missing-kind.yaml', texts.get('corpus/missing-kind.yaml')!);
  return texts;
}

/** The one-file change of a pull request: a VM file edited so that it has a schema error and a
 * rule error (a second holder of an address). */
function changeOneFile(texts: Map<string, string>): { texts: Map<string, string>; file: string } {
  const file = [...texts.keys()].find((path) => path.startsWith('vms/'))!;
  const text = texts.get(file)!;
  const firstIp = /ips: \[([0-9.]+)\]/.exec(text)![1]!;
  const edited = text
    .replace(/vcpus: \d+/, 'vcpus: -2')
    .replace(/ips: \[[0-9.]+\]/g, (m, offset: number) => (offset > text.length / 2 ? `ips: [${firstIp}]` : m));
  assert.notEqual(edited, text);
  return { texts: new Map(texts).set(file, edited), file };
}

/** What a run reports and builds, in a form deepEqual compares exactly. */
function outcome(result: ValidationResult): unknown {
  return {
    lines: result.diagnostics.map(formatDiagnostic),
    diagnostics: result.diagnostics,
    resources: [...result.state.resources],
    ipHoldings: [...result.state.ipHoldings],
  };
}

function validateWith(cachePath: string, snapshot: InventorySnapshot, identity = 'test-identity'): { result: ValidationResult; cache: InventoryCache } {
  const cache = InventoryCache.open(cachePath, identity);
  const result = validateInventory(snapshot, { cache });
  cache.save();
  return { result, cache };
}

test('after a one-file change, a warm run parses only that file and reports exactly what a cold run does (file:line:col included)', async (t) => {
  const dir = await makeTempDir('cache-warm');
  t.after(dir.remove);
  const texts = await inventoryTexts(join(dir.path, 'inv'));
  const cachePath = join(dir.path, 'state', 'inventory-cache.bin');
  const first = validateWith(cachePath, snapshotOf(texts));
  assert.equal(first.cache.hits, 0);
  assert.deepEqual(outcome(first.result), outcome(validateInventory(snapshotOf(texts))), 'a cold run with a cache is a cold run');

  const { texts: changed, file } = changeOneFile(texts);
  const warm = validateWith(cachePath, snapshotOf(changed));
  assert.equal(warm.cache.misses, 1, 'only the changed file is parsed');
  assert.equal(warm.cache.hits, changed.size - 1);
  const cold = validateInventory(snapshotOf(changed));
  assert.deepEqual(outcome(warm.result), outcome(cold));
  // The change shows, and the corpus's diagnostics came from the cache with their positions.
  assert.ok(cold.diagnostics.some((d) => d.subject?.file === file && d.code === 'INV_SCHEMA_RANGE'));
  assert.ok(cold.diagnostics.some((d) => d.subject?.file === file && d.code.startsWith('INV_RULE_')));
  assert.ok(cold.diagnostics.some((d) => d.subject?.file.startsWith('corpus/') && d.code === 'INV_YAML_SYNTAX'));
  assert.ok(cold.diagnostics.some((d) => d.subject?.file.startsWith('corpus/') && d.code === 'INV_YAML_DUPLICATE_KEY'));
  assert.ok(cold.diagnostics.some((d) => d.subject?.file === 'corpus/copy/missing-kind.yaml' && d.code === 'INV_SCHEMA_MISSING_KIND'));

  // A second warm run after the model defaults changed the first one's resources: the cache holds
  // what was stored, not what the run did to it afterwards.
  const again = validateWith(cachePath, snapshotOf(changed));
  assert.equal(again.cache.misses, 0);
  assert.deepEqual(outcome(again.result), outcome(cold));
});

test('a damaged cache file (truncated, garbage, one byte changed, empty) is ignored and replaced: never an error, never another result', async (t) => {
  const dir = await makeTempDir('cache-damaged');
  t.after(dir.remove);
  const texts = await inventoryTexts(join(dir.path, 'inv'));
  const cachePath = join(dir.path, 'inventory-cache.bin');
  const snapshot = snapshotOf(texts);
  validateWith(cachePath, snapshot);
  const good = readFileSync(cachePath);
  const cold = outcome(validateInventory(snapshotOf(texts)));
  const flipped = Buffer.from(good);
  flipped[Math.floor(good.length / 2)]! ^= 0x01;
  const damages: Record<string, Buffer> = {
    truncated: good.subarray(0, Math.floor(good.length / 2)),
    'last byte missing': good.subarray(0, good.length - 1),
    garbage: Buffer.from('garbage, not a cache file at all\n'.repeat(1000)),
    'one byte changed': flipped,
    empty: Buffer.alloc(0),
  };
  for (const [damage, bytes] of Object.entries(damages)) {
    writeFileSync(cachePath, bytes);
    const run = validateWith(cachePath, snapshotOf(texts));
    assert.equal(run.cache.hits, 0, damage);
    assert.deepEqual(outcome(run.result), cold, damage);
    assert.equal(validateWith(cachePath, snapshotOf(texts)).cache.misses, 0, `${damage}: the rewritten file is whole again`);
  }
});

test('entries made by another build of pytin are never used, and any change to the code or schemas makes another identity', async (t) => {
  const dir = await makeTempDir('cache-identity');
  t.after(dir.remove);
  const texts = await inventoryTexts(join(dir.path, 'inv'));
  const cachePath = join(dir.path, 'inventory-cache.bin');
  validateWith(cachePath, snapshotOf(texts), 'pytin 0.1.0 build a');
  assert.equal(validateWith(cachePath, snapshotOf(texts), 'pytin 0.1.0 build a').cache.misses, 0);
  const upgraded = validateWith(cachePath, snapshotOf(texts), 'pytin 0.1.1 build b');
  assert.equal(upgraded.cache.hits, 0);
  assert.deepEqual(outcome(upgraded.result), outcome(validateInventory(snapshotOf(texts))));

  const code = join(dir.path, 'code');
  mkdirSync(join(code, 'parse'), { recursive: true });
  writeFileSync(join(code, 'parse', 'a.js'), 'export const limit = 1;\n');
  const before = codeIdentity([code]);
  assert.equal(codeIdentity([code]), before, 'the same code, the same identity');
  writeFileSync(join(code, 'parse', 'a.js'), 'export const limit = 2;\n');
  assert.notEqual(codeIdentity([code]), before, 'edited code');
  assert.notEqual(codeIdentity(), before, 'the real code');
});

test('two refs sharing one cache each get their own result: a branch can add entries for its content, never change what main gets', async (t) => {
  const dir = await makeTempDir('cache-refs');
  t.after(dir.remove);
  const repo = join(dir.path, 'repo');
  const texts = await inventoryTexts(repo);
  commitAll(repo, 'main');
  const { texts: changed, file } = changeOneFile(texts);
  git(repo, 'checkout', '-q', '-b', 'branch');
  writeFileSync(join(repo, file), changed.get(file)!);
  git(repo, 'commit', '-qam', 'the pull request');
  git(repo, 'checkout', '-q', 'main');
  const cachePath = join(dir.path, 'state', 'inventory-cache.bin');
  const cold = async (ref: string) => outcome(validateInventory(await readInventory({ repo, ref })));
  const coldMain = await cold('main');
  const coldBranch = await cold('branch');
  assert.notDeepEqual(coldMain, coldBranch);
  const runs = ['main', 'branch', 'main', 'branch'];
  for (const [i, ref] of runs.entries()) {
    const run = validateWith(cachePath, await readInventory({ repo, ref }));
    assert.deepEqual(outcome(run.result), ref === 'main' ? coldMain : coldBranch, `run ${i + 1} (${ref})`);
    if (i >= 2) assert.equal(run.cache.misses, 0, `run ${i + 1}: both revisions' entries are kept`);
  }
  assert.equal(validateWith(cachePath, await readInventory({ repo, ref: 'branch' })).cache.misses, 0);
});

test('--worktree: an edited and an untracked file are keyed by what is on disk, not by what HEAD holds', async (t) => {
  const dir = await makeTempDir('cache-worktree');
  t.after(dir.remove);
  const repo = join(dir.path, 'repo');
  const texts = await inventoryTexts(repo);
  commitAll(repo, 'main');
  const cachePath = join(dir.path, 'inventory-cache.bin');
  validateWith(cachePath, await readInventory({ repo }));
  const { texts: changed, file } = changeOneFile(texts);
  writeFileSync(join(repo, file), changed.get(file)!);
  writeFileSync(join(repo, 'untracked.yaml'), 'kind: Tenant\nname: late-tenant\nbilling: {}\nunknownField: 1\n');
  const warm = validateWith(cachePath, await readInventory({ repo, worktree: true }));
  assert.equal(warm.cache.misses, 2);
  const cold = validateInventory(await readInventory({ repo, worktree: true }));
  assert.deepEqual(outcome(warm.result), outcome(cold));
  assert.ok(cold.diagnostics.some((d) => d.subject?.file === 'untracked.yaml'));
});

/** A child process that saves the cache `rounds` times, each time with its own value for every key. */
function writer(cachePath: string, name: string, rounds: number): Promise<number | null> {
  const module = join(PROJECT_ROOT, 'dist', 'inventory', 'cache', 'inventory-cache.js');
  const script = `
    const { InventoryCache } = await import(${JSON.stringify(module)});
    for (let round = 0; round < ${rounds}; round++) {
      const cache = InventoryCache.open(${JSON.stringify(cachePath)}, 'concurrent');
      for (let key = 0; key < 200; key++) cache.store('key-' + key, { writer: ${JSON.stringify(name)}, key, padding: 'x'.repeat(2000) });
      if (!cache.save()) process.exit(3);
    }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', resolve));
}

test('two processes saving the cache at once leave one whole file, written by one of them, and no temporary file', async (t) => {
  const dir = await makeTempDir('cache-concurrent');
  t.after(dir.remove);
  const cachePath = join(dir.path, 'inventory-cache.bin');
  assert.deepEqual(await Promise.all([writer(cachePath, 'a', 30), writer(cachePath, 'b', 30)]), [0, 0]);
  const cache = InventoryCache.open(cachePath, 'concurrent');
  const values = Array.from({ length: 200 }, (_, key) => cache.lookup<{ writer: string; key: number }>(`key-${key}`));
  assert.ok(
    values.every((v) => v?.key !== undefined),
    'every entry is there',
  );
  assert.equal(new Set(values.map((v) => v!.writer)).size, 1, 'all entries from one writer');
  assert.deepEqual(readdirSync(dir.path), ['inventory-cache.bin']);
  assert.equal(readCacheFile(cachePath, 'concurrent').size, 200);
});

test('a value JSON cannot give back exactly (.inf, .nan, -0, undefined, a node two aliases share) comes back exactly all the same', async (t) => {
  const dir = await makeTempDir('cache-exact');
  t.after(dir.remove);
  const cachePath = join(dir.path, 'inventory-cache.bin');
  const shared = { bridge: 'br0' };
  const awkward = { inf: Infinity, nan: NaN, negativeZero: -0, missing: undefined, first: shared, second: shared, ['__proto__']: 1 };
  Object.defineProperty(awkward, '__proto__', { value: { own: true }, enumerable: true, writable: true, configurable: true });
  const plain = { kind: 'VM', name: 'web-01', interfaces: [{ ips: ['203.0.113.9'] }], weight: 1.5, labels: { ['__proto__']: 'x' } };
  const writer = InventoryCache.open(cachePath, 'exact');
  writer.store('awkward', awkward);
  writer.store('plain', plain);
  assert.ok(writer.save());
  const reader = InventoryCache.open(cachePath, 'exact');
  const back = reader.lookup<typeof awkward>('awkward')!;
  assert.deepEqual(back, awkward);
  assert.ok(Object.is(back.negativeZero, -0) && Number.isNaN(back.nan) && back.inf === Infinity);
  assert.ok('missing' in back, 'an undefined property stays a property');
  assert.equal(back.first, back.second, 'one shared node, not two copies');
  assert.deepEqual(Object.getPrototypeOf(back), Object.prototype, '__proto__ stays an own property');
  assert.deepEqual(Object.getOwnPropertyDescriptor(back, '__proto__')?.value, { own: true });
  const plainBack = reader.lookup<typeof plain>('plain')!;
  assert.deepEqual(plainBack, plain);
  assert.deepEqual(Object.getOwnPropertyDescriptor(plainBack.labels, '__proto__')?.value, 'x');
});
