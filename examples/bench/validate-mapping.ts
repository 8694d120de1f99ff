// npm run bench:validate-mapping — validating one file that holds one ~1 MB mapping, against
// `yaml.parse` alone of the same text, measured in the same run (issue 8: the duplicate-key check
// made validate quadratic in the keys of one mapping; 80,000 keys took 50 s).
//
// Two files: a valid Tenant whose `labels` mapping holds 9,500 keys (~1 MB, under the 10,000-key
// limit, so every stage runs), and one with 80,000 short keys (~0.95 MB, refused at the key limit).
// Each is measured
//   - in process: validateInventory on an in-memory snapshot against yaml.parse(text), and
//   - as whole processes: `pytin validate` on a git repository holding the file against a process
//     that reads the file and runs yaml.parse on it (this script with --floor),
// alternately, BENCH_RUNS times (default 5, after one warm-up in process); medians and ratios are
// printed. yaml.parse is measured twice: with its defaults (uniqueKeys on: yaml's own duplicate-key
// scan, quadratic in the keys of a mapping) and with uniqueKeys off (parsing alone, the stricter
// reference). Goal: validate within 2x of yaml.parse.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse } from 'yaml';

import type { InventorySnapshot } from '../../inventory/source/inventory-snapshot.js';
import { validateInventory } from '../../inventory/validate/validate-inventory.js';
import { commitAll } from '../../test/support/git-repo.js';
import { formatSeconds, measureProcess, median, type ProcessMeasurement } from './measure.js';

const FILE = 'tenants.yaml';

/** `--floor FILE [--unique-keys]`: the whole-process reference, run by this script. */
if (process.argv[2] === '--floor') {
  const value = parse(readFileSync(process.argv[3]!, 'utf8'), { uniqueKeys: process.argv[4] === '--unique-keys' }) as { labels?: object };
  process.stdout.write(`${Object.keys(value.labels ?? {}).length} labels\n`);
  process.exit(0);
}

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const here = fileURLToPath(new URL('.', import.meta.url));
const self = fileURLToPath(import.meta.url);
const pytin = join(here, '..', '..', 'reconciler', 'cli', 'pytin.js');

interface Case {
  name: string;
  text: string;
  /** `pytin validate` exits 0 only for the valid file. */
  expectValid: boolean;
  /** Whether yaml.parse with its defaults is measured too: on 80,000 keys its own duplicate-key
   * scan takes close to a minute a run (the quadratic cost of issue 8), too long to repeat. */
  withDefaults: boolean;
}

function tenantWithLabels(keys: number, entry: (i: number) => string): string {
  const lines = ['kind: Tenant', 'name: acme', 'billingId: C-1', 'labels:'];
  for (let i = 0; i < keys; i++) lines.push(`  ${entry(i)}`);
  return lines.join('\n') + '\n';
}

const CASES: Case[] = [
  {
    name: '9,500 keys (valid)',
    text: tenantWithLabels(9_500, (i) => `label-${String(i).padStart(5, '0')}: value ${i} ${'x'.repeat(80)}`),
    expectValid: true,
    withDefaults: true,
  },
  // Short keys, so that 80,000 of them stay under the 1 MiB file limit.
  { name: '80,000 keys (capped)', text: tenantWithLabels(80_000, (i) => `k${String(i).padStart(5, '0')}: v`), expectValid: false, withDefaults: false },
];

function snapshotOf(text: string): InventorySnapshot {
  return {
    revision: { commit: null, ref: null, worktree: true, path: '' },
    rootDir: tmpdir(),
    files: [{ path: FILE, bytes: Buffer.from(text, 'utf8') }],
    auxFiles: [],
    diagnostics: [],
  };
}

interface InProcess {
  wallSeconds: number;
  cpuSeconds: number;
}

function timeInProcess(work: () => void): InProcess {
  const cpu = process.cpuUsage();
  const start = performance.now();
  work();
  const wallSeconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { wallSeconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

function line(name: string, wall: number, cpu: number, reference: { wall: number; cpu: number }, extra = ''): string {
  return `  ${name.padEnd(34)} wall ${formatSeconds(wall)} (x${(wall / reference.wall).toFixed(2)})  cpu ${formatSeconds(cpu)} (x${(cpu / reference.cpu).toFixed(2)})${extra}\n`;
}

function report(title: string, results: Record<string, Array<InProcess | ProcessMeasurement>>, referenceName: string): void {
  process.stdout.write(`${title} — medians of ${RUNS} runs, ratios to "${referenceName}"\n`);
  const medians = Object.fromEntries(
    Object.entries(results).map(([name, runs]) => [name, { wall: median(runs.map((r) => r.wallSeconds)), cpu: median(runs.map((r) => r.cpuSeconds)) }]),
  );
  const reference = medians[referenceName]!;
  for (const [name, runs] of Object.entries(results)) {
    const rss = runs.every((r) => 'peakRssMb' in r) ? `  peak RSS ${Math.max(...runs.map((r) => (r as ProcessMeasurement).peakRssMb)).toFixed(0)} MB` : '';
    process.stdout.write(line(name, medians[name]!.wall, medians[name]!.cpu, reference, rss));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'pytin-bench-mapping-'));

/** A git repository holding the file (pytin validate reads the commit, as CI does). */
function repositoryWith(name: string, text: string): string {
  const repo = join(dir, name);
  mkdirSync(repo);
  writeFileSync(join(repo, FILE), text);
  commitAll(repo, 'bench');
  return repo;
}

function validateProcess(repo: string, expectValid: boolean): ProcessMeasurement {
  const run = measureProcess(process.execPath, [pytin, 'validate', '--repo', repo]);
  if ((run.exitCode === 0) !== expectValid) throw new Error(`pytin validate exited ${run.exitCode}: ${run.stdout.slice(-1000)}`);
  return run;
}

try {
  // Start-up of both processes, measured on a 5-line file in the same alternation as the large one
  // (a shared machine's load drifts): node, module loading, schema compilation, git.
  const tiny = repositoryWith(
    'tiny',
    tenantWithLabels(1, () => 'a: b'),
  );
  for (const benchCase of CASES) {
    const bytes = Buffer.byteLength(benchCase.text);
    process.stdout.write(`\n${benchCase.name}: one labels mapping, ${bytes} bytes\n`);
    const snapshot = snapshotOf(benchCase.text);

    // In process. One warm-up of each first: it compiles the schemas and lets the JIT settle.
    const check = validateInventory(snapshot);
    const errors = check.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    if (benchCase.expectValid ? errors.length > 0 : !errors.includes('INV_YAML_TOO_MANY_KEYS'))
      throw new Error(`unexpected diagnostics: ${errors.slice(0, 5).join(', ')}`);
    if (benchCase.withDefaults) parse(benchCase.text);
    parse(benchCase.text, { uniqueKeys: false });
    const inProcess: Record<string, InProcess[]> = {
      'yaml.parse (uniqueKeys off)': [],
      ...(benchCase.withDefaults ? { 'yaml.parse (defaults)': [] } : {}),
      validateInventory: [],
    };
    for (let i = 0; i < RUNS; i++) {
      inProcess['yaml.parse (uniqueKeys off)']!.push(timeInProcess(() => parse(benchCase.text, { uniqueKeys: false })));
      if (benchCase.withDefaults) inProcess['yaml.parse (defaults)']!.push(timeInProcess(() => parse(benchCase.text)));
      inProcess.validateInventory!.push(timeInProcess(() => validateInventory(snapshot)));
    }
    report('in process', inProcess, 'yaml.parse (uniqueKeys off)');

    // Whole processes, on a git repository holding the file (pytin validate reads the commit).
    const repo = repositoryWith(benchCase.expectValid ? 'valid' : 'capped', benchCase.text);
    const processes: Record<string, ProcessMeasurement[]> = {
      'node + yaml.parse (uniqueKeys off)': [],
      ...(benchCase.withDefaults ? { 'node + yaml.parse (defaults)': [] } : {}),
      'pytin validate': [],
      'node + yaml.parse, 5-line file': [],
      'pytin validate, 5-line file': [],
    };
    for (let i = 0; i < RUNS; i++) {
      processes['node + yaml.parse (uniqueKeys off)']!.push(measureProcess(process.execPath, [self, '--floor', join(repo, FILE)]));
      if (benchCase.withDefaults)
        processes['node + yaml.parse (defaults)']!.push(measureProcess(process.execPath, [self, '--floor', join(repo, FILE), '--unique-keys']));
      processes['pytin validate']!.push(validateProcess(repo, benchCase.expectValid));
      processes['node + yaml.parse, 5-line file']!.push(measureProcess(process.execPath, [self, '--floor', join(tiny, FILE)]));
      processes['pytin validate, 5-line file']!.push(validateProcess(tiny, true));
    }
    report('whole processes', processes, 'node + yaml.parse (uniqueKeys off)');
    // Net of start-up: what the file itself costs each process beyond the 5-line file.
    const cpu = (name: string) => median(processes[name]!.map((r) => r.cpuSeconds));
    const floorNet = cpu('node + yaml.parse (uniqueKeys off)') - cpu('node + yaml.parse, 5-line file');
    const pytinNet = cpu('pytin validate') - cpu('pytin validate, 5-line file');
    process.stdout.write(
      `  net of start-up (cpu beyond the 5-line file): yaml.parse ${formatSeconds(floorNet)}, pytin validate ${formatSeconds(pytinNet)} (x${(pytinNet / floorNet).toFixed(2)})\n`,
    );
  }
  process.stdout.write(
    '\nreference: yaml.parse of the same text, measured in this run; "uniqueKeys off" is parsing alone, "defaults" adds yaml\'s own\n' +
      'quadratic duplicate-key scan. Whole processes include node start-up and module loading (pytin also runs git). Goal: validate <= 2x yaml.parse.\n',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
