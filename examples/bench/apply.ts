// npm run bench:apply (as root) — `pytin apply --auto-approve` of 200 VM creates across 4 lab
// hypervisors (sshd + unprivileged libvirtd with the test driver, each), with the default
// parallelism and with --parallelism 1, alternately, whole processes; between two timed applies an
// untimed apply of the commit without VMs deletes them again. Medians and the speedup; the commands
// (SSH round trips) per create as pytin's SSH runner counted them (`apply --json`); and, measured
// in the same run on one lab host, what one SSH command and one virsh command cost, so the apply's
// time can be read against them. Each timed run is split into its phases from the times pytin
// recorded in its store (observation runs, the apply run, each change's outcome): start-up,
// observe, plan, the apply phase, and the end (observing the touched hosts again, recording the
// run); the speedup is given end to end and for the apply phase alone (Amdahl: the other phases
// run the same way whatever the parallelism). The CPU each apply cost — pytin's, and the lab
// hosts' (sshd with the shells and virsh it ran, libvirtd), read from /proc — bounds the speedup on
// 2 cores: no schedule of a --parallelism 1 run's work beats its CPU / 2.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_APPLY_PARALLELISM } from '../../reconciler/cli/commands/apply.js';
import type { Row } from '../../reconciler/store/file/sqlite.js';
import { openStore } from '../../reconciler/store/open-store.js';
import { SshPool } from '../../reconciler/transports/ssh/ssh-pool.js';
import { makeTempDir } from '../../test/lab/daemon.js';
import { type LabLibvirtd, startLabLibvirtd } from '../../test/lab/libvirtd.js';
import { generateKey, type LabSshd, startSshd } from '../../test/lab/sshd.js';
import { git } from '../../test/support/git-repo.js';
import { formatSeconds, measureProcess, median } from './measure.js';

const HOSTS = 4;
const VMS = 200;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const pytin = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'reconciler', 'cli', 'pytin.js');

const COST_SAMPLES = 20;

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU seconds (user + system) used so far by these processes and everything they started: live
 * descendants, and the children each has reaped (sshd's sessions, with their shells and virsh;
 * libvirtd under runuser). Read from /proc, so a lab host's cost is measured, not assumed. */
function treeCpuSeconds(roots: readonly number[]): number {
  const processes = new Map<number, { parent: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // After "pid (comm) ": state, ppid, ... utime (14th field), stime, cutime, cstime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    processes.set(Number(entry), { parent: Number(fields[1]), ticks: [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) });
  }
  const children = new Map<number, number[]>();
  for (const [pid, { parent }] of processes) children.set(parent, [...(children.get(parent) ?? []), pid]);
  let ticks = 0;
  const pending = [...roots];
  for (let guard = 0; pending.length > 0 && guard < 100_000; guard++) {
    const pid = pending.pop()!;
    ticks += processes.get(pid)?.ticks ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return ticks / CLOCK_TICKS;
}

/** One timed apply split into phases, in seconds. */
interface Phases {
  wall: number;
  cpu: number;
  /** CPU the lab hosts spent meanwhile: sshd and what it ran (shells, virsh), and libvirtd. */
  sshdCpu: number;
  libvirtdCpu: number;
  /** Process start to the first observation (Node, modules, inventory, session, lock). */
  startup: number;
  /** First observation begun to the last one ended, before the apply. */
  observe: number;
  /** Last observation ended to the apply run recorded (planning, printing the plan). */
  plan: number;
  /** Apply run recorded to the last change's outcome recorded. */
  apply: number;
  /** Last outcome to the apply run finished (the touched hosts observed again, the run closed). */
  end: number;
  /** Run finished to the process's exit (closing connections and the store). */
  exit: number;
}

/** The phases of the store's latest apply run, from the times pytin recorded in it. */
async function phasesOf(
  storePath: string,
  startedAt: number,
  run: { wallSeconds: number; cpuSeconds: number; sshdCpu: number; libvirtdCpu: number },
): Promise<Phases> {
  const store = await openStore(storePath);
  try {
    const applyRun = await store.get<Row & { id: number; started_at: number; finished_at: number }>(
      'SELECT id, started_at, finished_at FROM apply_runs ORDER BY id DESC LIMIT 1',
    );
    if (!applyRun) throw new Error('no apply run in the store');
    const outcomes = await store.get<Row & { last: number }>('SELECT max(finished_at) AS last FROM change_outcomes WHERE run_id = ?', [applyRun.id]);
    const observations = await store.all<Row & { started_at: number; finished_at: number }>(
      'SELECT started_at, finished_at FROM observation_runs WHERE started_at >= ? AND started_at < ?',
      [startedAt, applyRun.started_at],
    );
    if (observations.length === 0 || !outcomes) throw new Error('the apply run has no observations or no outcomes');
    const firstObservation = Math.min(...observations.map((o) => o.started_at));
    const lastObservation = Math.max(...observations.map((o) => o.finished_at));
    return {
      wall: run.wallSeconds,
      cpu: run.cpuSeconds,
      sshdCpu: run.sshdCpu,
      libvirtdCpu: run.libvirtdCpu,
      startup: (firstObservation - startedAt) / 1000,
      observe: (lastObservation - firstObservation) / 1000,
      plan: (applyRun.started_at - lastObservation) / 1000,
      apply: (outcomes.last - applyRun.started_at) / 1000,
      end: (applyRun.finished_at - outcomes.last) / 1000,
      exit: run.wallSeconds - (applyRun.finished_at - startedAt) / 1000,
    };
  } finally {
    await store.close();
  }
}

function describePhases(label: string, runs: readonly Phases[]): string {
  const m = (pick: (p: Phases) => number) => median(runs.map(pick)).toFixed(2);
  return `  ${label} wall ${m((p) => p.wall)} s = start-up ${m((p) => p.startup)} + observe ${m((p) => p.observe)} + plan ${m((p) => p.plan)} + apply ${m((p) => p.apply)} + end (observe again, record) ${m((p) => p.end)} + exit ${m((p) => p.exit)}; CPU: pytin ${m((p) => p.cpu)} s, lab hosts' sshd + shells + virsh ${m((p) => p.sshdCpu)} s, libvirtd ${m((p) => p.libvirtdCpu)} s`;
}

/** Median wall time of one SSH command, and of one virsh command over SSH, on a lab host. */
async function commandCosts(host: { sshd: LabSshd; libvirtd: LabLibvirtd }, key: string, knownHostsPath: string): Promise<{ ssh: number; virsh: number }> {
  const pool = new SshPool({ knownHostsPath, trustNewHosts: false });
  const target = { name: 'hv-0', host: '127.0.0.1', port: host.sshd.port, user: host.sshd.user, privateKeyPath: key };
  const timed = async (command: string) => {
    await pool.exec(target, command); // connect first
    const samples: number[] = [];
    for (let i = 0; i < COST_SAMPLES; i++) {
      const start = performance.now();
      await pool.exec(target, command);
      samples.push(performance.now() - start);
    }
    return median(samples);
  };
  try {
    return { ssh: await timed('true'), virsh: await timed(`virsh -c '${host.libvirtd.uri}' domstate vm-000 || true`) };
  } finally {
    await pool.close();
  }
}

const dir = await makeTempDir('bench-apply');
const daemons: Array<LabSshd | LabLibvirtd> = [];
try {
  const key = join(dir.path, 'id_ed25519');
  await generateKey(key);
  const hosts: Array<{ sshd: LabSshd; libvirtd: LabLibvirtd }> = [];
  for (let i = 0; i < HOSTS; i++) {
    const libvirtd = await startLabLibvirtd();
    const sshd = await startSshd({ clientKeyPath: key });
    daemons.push(libvirtd, sshd);
    hosts.push({ sshd, libvirtd });
  }
  const repo = join(dir.path, 'inventory');
  mkdirSync(join(repo, '.pytin', 'secrets'), { recursive: true });
  copyFileSync(key, join(repo, '.pytin', 'secrets', 'id_ed25519'));
  writeFileSync(join(repo, '.pytin', 'known_hosts'), hosts.map((h) => h.sshd.knownHostsLine).join('\n') + '\n');
  const base = [
    'kind: Datacenter\nname: dc\n',
    'kind: Rack\nname: r1\ndatacenter: dc\n',
    'kind: Tenant\nname: t\nbillingId: T-1\n',
    'kind: SshEndpoint\nname: root\nprivateKey: {file: id_ed25519}\n',
    'kind: IPPool\nname: p\ndatacenter: dc\ncidr: 203.0.113.0/24\ngateway: 203.0.113.1\n',
    ...hosts.map(
      (h, i) =>
        `kind: Server\nname: hv-${i}\nplacement: {rack: r1, position: ${i + 1}}\nroles: [hypervisor]\nssh: {host: 127.0.0.1, port: ${h.sshd.port}, endpoint: root}\nlibvirt: {uri: "${h.libvirtd.uri}", bridge: br0}\n`,
    ),
  ];
  const vms = Array.from(
    { length: VMS },
    (_, i) =>
      `kind: VM\nname: vm-${String(i).padStart(3, '0')}\ntenant: t\nhypervisor: hv-${i % HOSTS}\nvcpus: 1\nmemory: 1GiB\ndisks: [{name: root, size: 10GiB}]\ninterfaces: [{name: eth0, ips: [203.0.113.${i + 2}], bandwidth: {inbound: 100Mbit, outbound: 100Mbit}}]\n`,
  );
  git(repo, 'init', '-q', '-b', 'empty');
  writeFileSync(join(repo, '.gitignore'), '.pytin/\n');
  writeFileSync(join(repo, 'inventory.yaml'), base.join('---\n'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'no VMs');
  git(repo, 'checkout', '-qb', 'full');
  writeFileSync(join(repo, 'vms.yaml'), vms.join('---\n'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', `${VMS} VMs`);
  const storePath = join(repo, '.pytin', 'store.sqlite');
  const sshdPids = hosts.map((h) => h.sshd.pid);
  const libvirtdPids = hosts.map((h) => h.libvirtd.pid);
  const apply = (ref: string, ...extra: string[]) => {
    const sshdBefore = treeCpuSeconds(sshdPids);
    const libvirtdBefore = treeCpuSeconds(libvirtdPids);
    const startedAt = Date.now();
    const run = measureProcess(process.execPath, [pytin, 'apply', '--repo', repo, '--ref', ref, '--auto-approve', '--refresh', '--json', ...extra]);
    if (run.exitCode !== 0) throw new Error(`apply --ref ${ref} ${extra.join(' ')} failed:\n${run.stdout.slice(-2000)}`);
    return { ...run, startedAt, sshdCpu: treeCpuSeconds(sshdPids) - sshdBefore, libvirtdCpu: treeCpuSeconds(libvirtdPids) - libvirtdBefore };
  };
  /** Commands per applied create, from the `change_outcome` lines of `apply --json`. */
  const commandsPerCreate = (stdout: string): number[] =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { type: string; action?: string; status?: string; commands?: number | null })
      .filter((m) => m.type === 'change_outcome' && m.action === 'create' && m.status === 'applied')
      .map((m) => m.commands ?? Number.NaN);
  apply('empty', '--allow-mass-destroy'); // also observes every host once
  const parallel: Phases[] = [];
  const serial: Phases[] = [];
  const commands: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [list, extra] of [
      [parallel, []],
      [serial, ['--parallelism', '1']],
    ] as const) {
      const run = apply('full', ...extra);
      const creates = commandsPerCreate(run.stdout);
      if (creates.length !== VMS) throw new Error(`expected ${VMS} applied creates, got ${creates.length}:\n${run.stdout.slice(-1000)}`);
      commands.push(...creates);
      const phases = await phasesOf(storePath, run.startedAt, run);
      list.push(phases);
      if (process.env.BENCH_VERBOSE) process.stdout.write(`${describePhases(extra.join(' ') || 'default', [phases])}\n`);
      apply('empty', '--allow-mass-destroy');
    }
  }
  const costs = await commandCosts(hosts[0]!, key, join(repo, '.pytin', 'known_hosts'));
  const p = median(parallel.map((r) => r.wall));
  const s = median(serial.map((r) => r.wall));
  const pApply = median(parallel.map((r) => r.apply));
  const sApply = median(serial.map((r) => r.apply));
  const sCpu = median(serial.map((r) => r.cpu));
  const sLab = median(serial.map((r) => r.sshdCpu + r.libvirtdCpu));
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  process.stdout.write(
    [
      `pytin apply --auto-approve --refresh of ${VMS} VM creates across ${HOSTS} hypervisors (sshd + libvirtd test driver), whole process, median of ${RUNS}`,
      `  --parallelism ${DEFAULT_APPLY_PARALLELISM} (default)  ${formatSeconds(p)}`,
      `  --parallelism 1             ${formatSeconds(s)}`,
      `  speedup                     ${(s / p).toFixed(2)}x end to end (goal >= 3x); apply phase alone ${(sApply / pApply).toFixed(2)}x (${formatSeconds(sApply)} / ${formatSeconds(pApply)})`,
      `  runs (wall s)               default ${parallel.map((r) => r.wall.toFixed(1)).join(' ')}; --parallelism 1 ${serial.map((r) => r.wall.toFixed(1)).join(' ')}`,
      `phases (medians, from the times pytin recorded in its store):`,
      describePhases('default        ', parallel),
      describePhases('--parallelism 1', serial),
      `commands (SSH round trips) per create, counted by pytin's SSH runner: max ${Math.max(...commands)}, mean ${(commands.reduce((a, b) => a + b, 0) / commands.length).toFixed(2)} (goal <= 2)`,
      `where the time goes (same run, hv-0, median of ${COST_SAMPLES} one after another):`,
      `  one SSH command (\`true\`)                 ${costs.ssh.toFixed(1)} ms`,
      `  one virsh command over SSH (domstate)     ${costs.virsh.toFixed(1)} ms   (virsh's start and connection to libvirtd)`,
      `  serial apply phase: ${((sApply * 1000) / VMS).toFixed(0)} ms per create, i.e. ${((sApply * 1000) / VMS / costs.virsh).toFixed(1)} virsh commands' worth`,
      `  CPU of a whole --parallelism 1 apply: pytin ${sCpu.toFixed(1)} s + lab hosts ${sLab.toFixed(1)} s (sshd, shells, virsh, libvirtd) = ${(sCpu + sLab).toFixed(1)} s against ${formatSeconds(s)} wall:`,
      `    on 2 free cores no schedule beats ${formatSeconds((sCpu + sLab) / 2)}, so the end-to-end speedup is bounded by ${((2 * s) / (sCpu + sLab)).toFixed(2)}x here (2 x wall / CPU)`,
      `load average at the end: ${load} (2 cores shared with other work: ratios, not absolute times)`,
      '',
    ].join('\n'),
  );
} finally {
  for (const d of daemons.reverse()) await d.stop();
  await dir.remove();
}
