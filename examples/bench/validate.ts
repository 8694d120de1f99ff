// npm run bench:validate — `pytin validate` on the default generated inventory against the floor:
// reading and parsing the same files with `yaml` and nothing else. Every figure is a whole process,
// the kinds alternating, several times; medians and ratios are printed. Goals: a cold validate
// (--no-cache) <= 1.5x the floor and peak memory under 500 MB; a warm validate after a one-file
// change (issue 14: the pull request's case, one file re-parsed, the rest from the cache beside the
// store) <= 1 s. In the same run, in process: loading every file's entry from the cache against
// parsing the files, and the cache's serialisation against JSON and the SQLite store.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { fileContentKey } from '../../inventory/cache/content-key.js';
import { InventoryCache } from '../../inventory/cache/inventory-cache.js';
import { parseYamlFile } from '../../inventory/parse/parse-yaml-file.js';
import { readInventory } from '../../inventory/source/read-inventory.js';
import { commitAll, git } from '../../test/support/git-repo.js';
import { DEFAULT_PARAMETERS, generateInventory } from '../generator/generate-inventory.js';
import { compareCacheFormats } from './cache-formats.js';
import { formatSeconds, measureProcess, median, type ProcessMeasurement } from './measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const here = fileURLToPath(new URL('.', import.meta.url));
const pytin = join(here, '..', '..', 'reconciler', 'cli', 'pytin.js');
const floor = join(here, 'parse-floor.js');

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function timed<T>(work: () => T): { seconds: number; value: T } {
  const started = cpuSeconds();
  const value = work();
  return { seconds: cpuSeconds() - started, value };
}

const dir = mkdtempSync(join(tmpdir(), 'pytin-bench-validate-'));
try {
  const files = await generateInventory(dir, DEFAULT_PARAMETERS);
  commitAll(dir, 'generated');
  // The file a pull request changes: one rack's VMs.
  const changed = [...files.keys()].find((path) => path.startsWith('vms/'))!;
  process.stdout.write(
    `inventory: ${files.size} files, ${JSON.stringify(DEFAULT_PARAMETERS)}; ${RUNS} runs each, alternating; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)} at the start\n`,
  );
  const validate = (...args: string[]) => {
    const run = measureProcess(process.execPath, [pytin, 'validate', '--repo', dir, ...args]);
    if (run.exitCode !== 0) throw new Error(`pytin validate ${args.join(' ')} failed: ${run.stdout.slice(-1000)}`);
    return run;
  };
  const kinds = [
    'floor',
    'cold (--no-cache)',
    'cold --worktree',
    'warm, nothing changed',
    'warm, one file changed',
    'warm --worktree, one file edited',
  ] as const;
  const results = Object.fromEntries(kinds.map((k) => [k, [] as ProcessMeasurement[]])) as Record<(typeof kinds)[number], ProcessMeasurement[]>;
  validate(); // fills the cache
  for (let i = 0; i < RUNS; i++) {
    results.floor.push(measureProcess(process.execPath, [floor, dir]));
    results['cold (--no-cache)'].push(validate('--no-cache'));
    results['cold --worktree'].push(validate('--worktree', '--no-cache'));
    results['warm, nothing changed'].push(validate());
    // A new commit changing one file (each run its own content, so each run misses exactly once).
    appendFileSync(join(dir, changed), `# pull request ${i}\n`);
    git(dir, 'commit', '-qam', `pull request ${i}`);
    results['warm, one file changed'].push(validate());
    appendFileSync(join(dir, changed), `# uncommitted edit ${i}\n`);
    results['warm --worktree, one file edited'].push(validate('--worktree'));
    git(dir, 'checkout', '-q', '--', changed);
  }
  const floorWall = median(results.floor.map((r) => r.wallSeconds));
  const floorCpu = median(results.floor.map((r) => r.cpuSeconds));
  for (const [name, runs] of Object.entries(results)) {
    const wall = median(runs.map((r) => r.wallSeconds));
    const cpu = median(runs.map((r) => r.cpuSeconds));
    const rss = Math.max(...runs.map((r) => r.peakRssMb));
    process.stdout.write(
      `${name.padEnd(34)} wall ${formatSeconds(wall)} (x${(wall / floorWall).toFixed(2)})  cpu ${formatSeconds(cpu)} (x${(cpu / floorCpu).toFixed(2)})  peak RSS ${rss.toFixed(0)} MB\n`,
    );
  }
  process.stdout.write(
    'reference: floor = read + yaml.parseAllDocuments of the same files, measured in this run; goals: cold <= 1.5x floor, warm one-file <= 1 s\n',
  );

  // In process: what the cache saves and what it costs, against the parse it replaces.
  const snapshot = await readInventory({ repo: dir });
  const parse = timed(() => snapshot.files.reduce((n, f) => n + parseYamlFile(f.path, f.bytes).documents.length, 0));
  const cache = InventoryCache.open(join(dir, '.pytin', 'inventory-cache.bin'));
  const values: unknown[] = [];
  const load = timed(() => {
    for (const file of snapshot.files) {
      const value = cache.lookup(fileContentKey(file.path, file.bytes));
      if (value !== undefined) values.push(value);
    }
    return values.length;
  });
  process.stdout.write(
    `in process: cache load of ${load.value}/${snapshot.files.length} files (${parse.value} documents) cpu ${formatSeconds(load.seconds)}; parsing them with positions cpu ${formatSeconds(parse.seconds)} (x${(load.seconds / parse.seconds).toFixed(3)})\n`,
  );
  for (const line of await compareCacheFormats(values, dir)) process.stdout.write(`${line}\n`);
  process.stdout.write(`load average at the end ${loadavg()[0]!.toFixed(2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
