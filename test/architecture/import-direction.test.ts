import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PROJECT_ROOT } from '../support/lab-inventory.js';
import { findCycles, type ImportEdge, importGraph } from './import-graph.js';

// The import rules of DESIGN.md, checked on the sources. A rule broken here is a design decision
// to take in the open (change the rule and DESIGN.md), never a line to add to an exception list.

const SOURCE_FOLDERS = ['schemas', 'inventory', 'reconciler', 'server'].filter((f) => {
  try {
    return importGraph(PROJECT_ROOT, [f]).files.length > 0;
  } catch {
    return false; // a folder git does not have yet (server/ before the API lands)
  }
});
const graph = importGraph(PROJECT_ROOT, SOURCE_FOLDERS);
const local = graph.edges.filter((e) => e.local);

/** Top-level folders, outermost first: imports run server -> reconciler -> inventory -> schemas. */
const TOP = ['server', 'reconciler', 'inventory', 'schemas'];

/** Inside reconciler/: cli -> session -> (apply -> (drivers, render) -> (observe, plan, backup)) ->
 * (store, transports) -> support. A folder may import its own files and any folder of a lower rank,
 * never one of its own rank or above. */
const RECONCILER_RANK: Record<string, number> = {
  cli: 7,
  session: 6,
  apply: 5,
  drivers: 4,
  render: 4,
  observe: 3,
  plan: 3,
  backup: 3,
  usage: 3,
  store: 2,
  transports: 2,
  support: 1,
};

const top = (file: string) => file.split('/')[0]!;
/** `reconciler/plan/x.ts` -> `plan`; a file directly in reconciler/ -> its own name. */
const area = (file: string) => file.split('/')[1]!.replace(/\.ts$/, '');

function describe(edges: readonly ImportEdge[]): string[] {
  return edges.map((e) => `${e.from} -> ${e.to}`);
}

test('top-level folders import one way: server -> reconciler -> inventory -> schemas', () => {
  const backwards = local.filter((e) => TOP.indexOf(top(e.to)) < TOP.indexOf(top(e.from)));
  assert.deepEqual(describe(backwards), []);
});

test('inside reconciler, imports only go to lower layers (cli -> session -> apply -> drivers -> ... -> store, transports)', () => {
  const inside = local.filter((e) => top(e.from) === 'reconciler' && top(e.to) === 'reconciler' && area(e.from) !== area(e.to));
  const unranked = [...new Set(inside.flatMap((e) => [area(e.from), area(e.to)]))].filter((a) => !(a in RECONCILER_RANK) && a !== 'diagnostic-catalogue');
  assert.deepEqual(unranked, [], 'every reconciler folder has a rank');
  // The diagnostic catalogue joins every area's codes; only tests read it.
  const upward = inside.filter(
    (e) => area(e.from) !== 'diagnostic-catalogue' && (area(e.to) === 'diagnostic-catalogue' || RECONCILER_RANK[area(e.to)]! >= RECONCILER_RANK[area(e.from)]!),
  );
  assert.deepEqual(describe(upward), []);
});

test('nothing outside reconciler/cli imports from cli/', () => {
  const intoCli = local.filter((e) => e.to.startsWith('reconciler/cli/') && !e.from.startsWith('reconciler/cli/'));
  assert.deepEqual(describe(intoCli), []);
});

test('the planner is pure: plan/ imports no driver, store, transport or I/O module (node:crypto for hashing only)', () => {
  const planImports = graph.edges.filter((e) => e.from.startsWith('reconciler/plan/'));
  const impure = planImports.filter((e) =>
    e.local ? !e.to.startsWith('reconciler/plan/') && !e.to.startsWith('inventory/') && !e.to.startsWith('schemas/') : e.to !== 'node:crypto',
  );
  assert.deepEqual(describe(impure), []);
});

test('no file imports itself through a circle of imports', () => {
  const next = new Map<string, string[]>();
  for (const e of local) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const cycles = findCycles(graph.files, (f) => next.get(f) ?? []);
  assert.deepEqual(
    cycles.map((c) => c.join(' -> ')),
    [],
  );
});

test('no folder imports itself through a circle of folders', () => {
  const folderOf = (file: string) => file.split('/').slice(0, -1).join('/');
  const next = new Map<string, Set<string>>();
  for (const e of local) {
    const [from, to] = [folderOf(e.from), folderOf(e.to)];
    // A folder and its own sub-folders are one concept: only edges between unrelated folders count.
    if (from === to || to.startsWith(`${from}/`) || from.startsWith(`${to}/`)) continue;
    next.set(from, (next.get(from) ?? new Set()).add(to));
  }
  const cycles = findCycles(next.keys(), (f) => next.get(f) ?? []);
  assert.deepEqual(
    cycles.map((c) => c.join(' -> ')),
    [],
  );
});

test('the import rules see the sources (a check that finds nothing to check proves nothing)', () => {
  assert.ok(graph.files.length > 200, `${graph.files.length} source files`);
  assert.ok(local.some((e) => e.from.startsWith('reconciler/cli/') && e.to.startsWith('reconciler/session/')));
  assert.ok(graph.edges.some((e) => e.from.startsWith('reconciler/plan/') && e.to === 'node:crypto'));
});
