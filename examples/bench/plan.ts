// npm run bench:plan — `pytin plan` on the default generated inventory (20,000 VMs on 3,800
// hypervisors) with matching facts in the store, against `pytin validate` of the same inventory,
// both as whole processes, alternately; medians of wall and CPU time and the ratio. Goal: plan
// <= 1.5x validate, both cold (--no-cache). Then the pull request's case (issue 14): one file
// changed in a new commit, plan with the inventory cache beside the store; goal <= 1.5 s. "Matching facts": every hypervisor's domains are what pytin would have
// defined (the generated domain XML parsed by the host observer's own parser), so the plan is
// empty and the figure is the cost of comparing, not of printing changes.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readInventory } from '../../inventory/source/read-inventory.js';
import { validateInventory } from '../../inventory/validate/validate-inventory.js';
import { openStore } from '../../reconciler/store/open-store.js';
import { commitAll, git } from '../../test/support/git-repo.js';
import { DEFAULT_PARAMETERS, generateInventory } from '../generator/generate-inventory.js';
import { recordMatchingFacts } from '../generator/matching-facts.js';
import { formatSeconds, measureProcess, median, type ProcessMeasurement } from './measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** --detailed-exitcode without changes: 0 in sync, 3 in sync where compared (the generated switches
 * have no facts: matching facts cover hypervisors and backup nodes). */
const NO_CHANGES: ReadonlyArray<number | null> = [0, 3];
const here = fileURLToPath(new URL('.', import.meta.url));
const pytin = join(here, '..', '..', 'reconciler', 'cli', 'pytin.js');
const phases = join(here, 'plan-phases.js');
const dir = mkdtempSync(join(tmpdir(), 'pytin-bench-plan-'));
try {
  await generateInventory(dir, DEFAULT_PARAMETERS);
  commitAll(dir, 'generated');
  const snapshot = await readInventory({ repo: dir });
  const { state } = validateInventory(snapshot);
  const commit = snapshot.revision.commit;
  // The facts a fully applied inventory would show.
  const setupStarted = Date.now();
  const store = await openStore(join(dir, '.pytin', 'store.sqlite'));
  const hypervisors = await recordMatchingFacts(store, state, commit, { observedAt: () => Date.now() });
  await store.close();
  process.stdout.write(
    `inventory: ${JSON.stringify(DEFAULT_PARAMETERS)}; facts of ${hypervisors} hypervisors stored in ${((Date.now() - setupStarted) / 1000).toFixed(0)} s; ${RUNS} runs each, alternating\n`,
  );
  const env = { PYTIN_SECRET_SNMP_COMMUNITY: 'bench' };
  Object.assign(process.env, env);
  const results: Record<'validate' | 'plan' | 'warm', ProcessMeasurement[]> = { validate: [], plan: [], warm: [] };
  const planRun = (...args: string[]) => measureProcess(process.execPath, [pytin, 'plan', '--repo', dir, '--detailed-exitcode', '--json', ...args]);
  planRun(); // fills the inventory cache
  // A comment added to one file: a new blob (one file parsed again), the same plan (empty).
  const changed = snapshot.files.find((f) => f.path.startsWith('vms/'))!.path;
  for (let i = 0; i < RUNS; i++) {
    results.validate.push(measureProcess(process.execPath, [pytin, 'validate', '--repo', dir, '--no-cache']));
    const plan = planRun('--no-cache');
    if (!NO_CHANGES.includes(plan.exitCode))
      throw new Error(
        `the plan is not empty (exit ${plan.exitCode}): ${plan.stdout
          .split('\n')
          .filter((l) => !l.includes('"no-op"'))
          .slice(0, 5)
          .join('\n')}`,
      );
    results.plan.push(plan);
    appendFileSync(join(dir, changed), `# pull request ${i}\n`);
    git(dir, 'commit', '-qam', `pull request ${i}`);
    const warm = planRun();
    if (!NO_CHANGES.includes(warm.exitCode)) throw new Error(`the warm plan is not empty (exit ${warm.exitCode})`);
    results.warm.push(warm);
  }
  const v = { wall: median(results.validate.map((r) => r.wallSeconds)), cpu: median(results.validate.map((r) => r.cpuSeconds)) };
  const p = { wall: median(results.plan.map((r) => r.wallSeconds)), cpu: median(results.plan.map((r) => r.cpuSeconds)) };
  const w = { wall: median(results.warm.map((r) => r.wallSeconds)), cpu: median(results.warm.map((r) => r.cpuSeconds)) };
  process.stdout.write(
    [
      `validate (--no-cache)  wall ${formatSeconds(v.wall)}  cpu ${formatSeconds(v.cpu)}  peak RSS ${Math.max(...results.validate.map((r) => r.peakRssMb)).toFixed(0)} MB`,
      `plan (--no-cache)      wall ${formatSeconds(p.wall)}  cpu ${formatSeconds(p.cpu)}  peak RSS ${Math.max(...results.plan.map((r) => r.peakRssMb)).toFixed(0)} MB`,
      `ratio plan / validate: wall x${(p.wall / v.wall).toFixed(2)}, cpu x${(p.cpu / v.cpu).toFixed(2)} (goal <= 1.5)`,
      `plan warm, one file changed  wall ${formatSeconds(w.wall)} (x${(w.wall / p.wall).toFixed(2)} of cold plan)  cpu ${formatSeconds(w.cpu)} (x${(w.cpu / p.cpu).toFixed(2)})  peak RSS ${Math.max(...results.warm.map((r) => r.peakRssMb)).toFixed(0)} MB (goal <= 1.5 s)`,
      `load average ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores at the end`,
      '',
    ].join('\n'),
  );
  // Where a warm plan's CPU goes: the command's steps one by one, each run on its own one-file change.
  const breakdowns: Array<Array<[string, number]>> = [];
  for (let i = 0; i < RUNS; i++) {
    appendFileSync(join(dir, changed), `# pull request ${i}, steps\n`);
    git(dir, 'commit', '-qam', `pull request ${i}, steps`);
    breakdowns.push(JSON.parse(measureProcess(process.execPath, [phases, dir]).stdout) as Array<[string, number]>);
  }
  const total = breakdowns.map((b) => b.reduce((sum, [, ms]) => sum + ms, 0));
  process.stdout.write(
    [
      `where a warm plan's CPU goes (its steps called one by one in a fresh process, medians of ${RUNS}, ms):`,
      ...breakdowns[0]!.map(([name], k) => `  ${String(median(breakdowns.map((b) => b[k]![1]))).padStart(6)}  ${name}`),
      `  ${String(median(total)).padStart(6)}  sum (the whole warm plan above: ${(w.cpu * 1000).toFixed(0)} ms, also SSH/SNMP targets, rendering, exit)`,
      `load average ${loadavg()[0]!.toFixed(2)} at the end of the breakdown`,
      '',
    ].join('\n'),
  );
  if (process.env.BENCH_PROFILE) {
    execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE, pytin, 'plan', '--repo', dir, '--json'], {
      stdio: 'ignore',
      env: process.env,
    });
    process.stdout.write(`profile written to ${process.env.BENCH_PROFILE}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
