// npm run bench:validate — `pytin validate` on the default generated inventory against the floor:
// reading and parsing the same files with `yaml` and nothing else. Both run as whole processes,
// alternately, several times; medians and ratios are printed. Goal: validate <= 1.5x the floor,
// peak memory under 500 MB.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { commitAll } from '../../test/support/git-repo.js';
import { DEFAULT_PARAMETERS, generateInventory } from '../generator/generate-inventory.js';
import { formatSeconds, measureProcess, median, type ProcessMeasurement } from './measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const here = fileURLToPath(new URL('.', import.meta.url));
const pytin = join(here, '..', '..', 'reconciler', 'cli', 'pytin.js');
const floor = join(here, 'parse-floor.js');

const dir = mkdtempSync(join(tmpdir(), 'pytin-bench-validate-'));
try {
  const files = await generateInventory(dir, DEFAULT_PARAMETERS);
  commitAll(dir, 'generated');
  process.stdout.write(`inventory: ${files.size} files, ${JSON.stringify(DEFAULT_PARAMETERS)}; ${RUNS} runs each, alternating\n`);
  const results: Record<string, ProcessMeasurement[]> = { floor: [], validate: [], 'validate --worktree': [] };
  for (let i = 0; i < RUNS; i++) {
    results.floor!.push(measureProcess(process.execPath, [floor, dir]));
    const run = measureProcess(process.execPath, [pytin, 'validate', '--repo', dir]);
    if (run.exitCode !== 0) throw new Error(`pytin validate failed: ${run.stdout.slice(-1000)}`);
    results.validate!.push(run);
    results['validate --worktree']!.push(measureProcess(process.execPath, [pytin, 'validate', '--repo', dir, '--worktree']));
  }
  const floorWall = median(results.floor!.map((r) => r.wallSeconds));
  const floorCpu = median(results.floor!.map((r) => r.cpuSeconds));
  for (const [name, runs] of Object.entries(results)) {
    const wall = median(runs.map((r) => r.wallSeconds));
    const cpu = median(runs.map((r) => r.cpuSeconds));
    const rss = Math.max(...runs.map((r) => r.peakRssMb));
    process.stdout.write(
      `${name.padEnd(20)} wall ${formatSeconds(wall)} (x${(wall / floorWall).toFixed(2)})  cpu ${formatSeconds(cpu)} (x${(cpu / floorCpu).toFixed(2)})  peak RSS ${rss.toFixed(0)} MB\n`,
    );
  }
  process.stdout.write('reference: floor = read + yaml.parseAllDocuments of the same files, measured in this run\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
