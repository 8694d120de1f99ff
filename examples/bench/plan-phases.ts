// Where the CPU time of a warm `pytin plan` goes (bench:plan, issue 14): the plan command's steps
// called one by one in a fresh process, each step's CPU time (user + system, this process) printed
// as one JSON array of [step, milliseconds]. Usage: node plan-phases.js REPO. The inventory cache is the one beside the
// default store (REPO/.pytin), read and saved as the command does. What the command does besides
// (SSH and SNMP targets, rendering the changes for people) is not split out: the bench prints the
// sum of these steps next to the whole process's figure.
import { cpuUsage } from 'node:process';

const phases: Array<[step: string, ms: number]> = [];
let last = 0;
function step(name: string): void {
  const usage = cpuUsage();
  const now = (usage.user + usage.system) / 1000;
  phases.push([name, Math.round(now - last)]);
  last = now;
}
step('node start to first step');

const repo = process.argv[2];
if (!repo) throw new Error('usage: node plan-phases.js REPO');
const { readInventory } = await import('../../inventory/source/read-inventory.js');
const { validateInventory } = await import('../../inventory/validate/validate-inventory.js');
const { InventoryCache } = await import('../../inventory/cache/inventory-cache.js');
step('load validate modules');
const { planCommand } = await import('../../reconciler/cli/commands/plan.js');
const { openStore } = await import('../../reconciler/store/open-store.js');
const { loadObservedFacts } = await import('../../reconciler/session/load-facts.js');
const { buildPlan } = await import('../../reconciler/plan/build-plan.js');
const { DRIVERS } = await import('../../reconciler/drivers/registry.js');
const { trustedConnections } = await import('../../reconciler/session/trusted-connections.js');
const { planPolicyFor } = await import('../../reconciler/session/plan-session.js');
const { DEFAULT_MASS_DESTROY_PERCENT } = await import('../../reconciler/plan/safety.js');
step(`load plan modules (${planCommand.name} command)`);

const snapshot = await readInventory({ repo });
step('read the inventory from git');
const cache = InventoryCache.open(`${snapshot.rootDir}/.pytin/inventory-cache.bin`);
step('open the inventory cache');
const validation = validateInventory(snapshot, { cache });
step(`validate (${cache.hits} files from the cache, ${cache.misses} parsed)`);
const trusted = await trustedConnections(validation.state, { repo }, undefined, { cache });
if ('failed' in trusted) throw new Error('the connection settings failed');
cache.save();
step('connection settings, save the cache');
const store = await openStore(`${snapshot.rootDir}/.pytin/store.sqlite`);
const facts = await loadObservedFacts(store, trusted.connections, DRIVERS);
step('load the facts from the store (query, JSON.parse, fingerprint)');
const now = Date.now();
const files = new Map(snapshot.auxFiles.map((f) => [f.path, Buffer.from(f.bytes).toString('utf8')]));
const plan = buildPlan(
  { state: validation.state, connections: trusted.connections, files, facts, now, sources: validation.sources },
  DRIVERS,
  planPolicyFor(validation, { allowDestroy: [], massDestroyPercent: DEFAULT_MASS_DESTROY_PERCENT, allowMassDestroy: false }, now),
);
step(`build the plan (${plan.changes.length} changes)`);
const json = JSON.stringify(plan);
step(`plan as JSON (${(json.length / 1e6).toFixed(1)} MB)`);
await store.close();
process.stdout.write(`${JSON.stringify(phases)}\n`);
