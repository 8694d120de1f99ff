// npm run bench:observe (as root) — `pytin observe` of 8 switches (8 snmpd agents in a network
// namespace, each serving the namespace's 1,000 real neighbour entries) and 8 hosts (8 sshd, virsh
// on libvirt's test driver), with the default parallelism and with --parallelism 1, alternately,
// whole processes; medians and the speedup. snmpd rather than snmpsimd: snmpsimd is Python and
// CPU-bound, so 8 of them on 2 cores would measure the agents, not pytin.
// Where the time goes, per phase, from `observe --json` (each device's and host's duration and
// store time) and the arrival time of each of its lines: start-up (Node, the inventory read from
// git and validated, the store opened) until the first walk began, the walks, and the end (usage
// buckets, closing); within the walks, switches and hosts apart, and the diagnostics seen.
// What the cores allow: the CPU time of pytin (GNU time) and of the lab daemons serving it (the
// snmpd agents; the sshd with the sessions, shells and virsh they ran, read from /proc after they
// are reaped), and from it the best speedup the machine's cores permit.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_OBSERVE_PARALLELISM } from '../../reconciler/cli/commands/observe.js';
import { makeTempDir } from '../../test/lab/daemon.js';
import { addNeighbours, createNetns, manyIpv4Neighbours } from '../../test/lab/netns.js';
import { type Snmpd, startSnmpd } from '../../test/lab/snmpd.js';
import { generateKey, type LabSshd, startSshd } from '../../test/lab/sshd.js';
import { git } from '../../test/support/git-repo.js';
import { formatSeconds, measureProcess, measureProcessLines, median, type TimedLine } from './measure.js';
import { labCpuSeconds } from './process-tree-cpu.js';

const DEVICES = 8;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const COMMUNITY = 'bench';
const pytin = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'reconciler', 'cli', 'pytin.js');

interface Phases {
  wall: number;
  cpu: number;
  /** CPU seconds the 8 snmpd agents spent serving this run. */
  agentsCpu: number;
  /** CPU seconds the 8 sshd and everything they ran (sessions, shells, virsh) spent on this run. */
  hostsCpu: number;
  startup: number;
  walks: number;
  end: number;
  snmp: number[];
  hosts: number[];
  store: number[];
  diagnostics: string[];
}

/** The phases of one `observe --json` run, in seconds, from its timed lines. */
function phasesOf(run: { wallSeconds: number; cpuSeconds: number; lines: TimedLine[] }, lab: { agentsCpu: number; hostsCpu: number }): Phases {
  const observations = run.lines
    .filter((l) => l.text.startsWith('{'))
    .map((l) => ({
      atMs: l.atMs,
      ...(JSON.parse(l.text) as { type: string; source?: string; durationMs?: number; storeMs?: number | null; diagnostics?: Array<{ code: string }> }),
    }))
    .filter((m) => m.type === 'observation');
  if (observations.length !== DEVICES * 2) throw new Error(`expected ${DEVICES * 2} observations, got ${observations.length}`);
  const firstStart = Math.min(...observations.map((o) => o.atMs - o.durationMs!));
  const lastEnd = Math.max(...observations.map((o) => o.atMs));
  return {
    wall: run.wallSeconds,
    cpu: run.cpuSeconds,
    ...lab,
    startup: firstStart / 1000,
    walks: (lastEnd - firstStart) / 1000,
    end: run.wallSeconds - lastEnd / 1000,
    snmp: observations.filter((o) => o.source === 'snmp').map((o) => o.durationMs! / 1000),
    hosts: observations.filter((o) => o.source === 'host').map((o) => o.durationMs! / 1000),
    store: observations.map((o) => (o.storeMs ?? 0) / 1000),
    diagnostics: observations.flatMap((o) => (o.diagnostics ?? []).map((d) => d.code)),
  };
}

function totalCpu(p: Phases): number {
  return p.cpu + p.agentsCpu + p.hostsCpu;
}

function describePhases(label: string, runs: readonly Phases[]): string[] {
  const m = (pick: (p: Phases) => number) => median(runs.map(pick)).toFixed(2).padStart(6);
  const all = (pick: (p: Phases) => number[]) => runs.flatMap(pick);
  const codes = new Map<string, number>();
  for (const code of runs.flatMap((p) => p.diagnostics)) codes.set(code, (codes.get(code) ?? 0) + 1);
  return [
    `  ${label}: wall ${m((p) => p.wall)} s = start-up ${m((p) => p.startup)} + walks ${m((p) => p.walks)} + end ${m((p) => p.end)}; pytin's CPU ${m((p) => p.cpu)} s`,
    `    per switch ${median(all((p) => p.snmp)).toFixed(2)} s (max ${Math.max(...all((p) => p.snmp)).toFixed(2)}), per host ${median(all((p) => p.hosts)).toFixed(2)} s (max ${Math.max(...all((p) => p.hosts)).toFixed(2)}), store ${median(all((p) => p.store)).toFixed(3)} s per subject (max ${Math.max(...all((p) => p.store)).toFixed(3)})`,
    `    CPU of the whole run: pytin ${m((p) => p.cpu)} + snmpd agents ${m((p) => p.agentsCpu)} + sshd, shells and virsh ${m((p) => p.hostsCpu)} = ${m(totalCpu)} s`,
    `    diagnostics over ${runs.length} runs: ${codes.size ? [...codes].map(([c, n]) => `${c} x${n}`).join(', ') : 'none'}`,
  ];
}

/** What the cores allow: everything the default run makes the machine do (pytin, the agents
 * answering, sshd and the commands it runs) cannot take less than its CPU time over the cores, and
 * pytin's start-up (one thread: import, git, validation, store) comes before any walk. The default
 * run cannot beat `start-up + (rest of the CPU) / cores`, so --parallelism 1's wall time over that
 * is the best speedup this machine allows, whatever pytin does in the walks. */
function boundOnThisMachine(parallel: readonly Phases[], serialWall: number): string[] {
  const cores = availableParallelism();
  const startup = median(parallel.map((p) => p.startup));
  const cpu = median(parallel.map(totalCpu));
  const floor = startup + Math.max(0, cpu - startup) / cores;
  return [
    `  bound on ${cores} cores: the default run makes the machine spend ${cpu.toFixed(2)} s of CPU (pytin, agents, sshd and commands); with its`,
    `  start-up of ${startup.toFixed(2)} s on one thread it cannot finish in less than ${floor.toFixed(2)} s, so at most ${(serialWall / floor).toFixed(2)}x faster than --parallelism 1 here`,
  ];
}

const dir = await makeTempDir('bench-observe');
const agents: Snmpd[] = [];
const netns = await createNetns();
const hosts: LabSshd[] = [];
try {
  const key = join(dir.path, 'id_ed25519');
  await generateKey(key);
  await addNeighbours(netns, manyIpv4Neighbours(1000));
  // One snmpd per switch: 8 separate agents, as 8 real switches would be.
  for (let i = 0; i < DEVICES; i++) agents.push(await startSnmpd({ netns, port: 1161 + i, community: COMMUNITY }));
  for (let i = 0; i < DEVICES; i++) hosts.push(await startSshd({ clientKeyPath: key }));
  const repo = join(dir.path, 'inventory');
  mkdirSync(join(repo, '.pytin', 'secrets'), { recursive: true });
  copyFileSync(key, join(repo, '.pytin', 'secrets', 'id_ed25519'));
  writeFileSync(join(repo, '.pytin', 'known_hosts'), hosts.map((h) => h.knownHostsLine).join('\n') + '\n');
  const docs = [
    'kind: Datacenter\nname: dc\n',
    'kind: Rack\nname: r1\ndatacenter: dc\n',
    'kind: SshEndpoint\nname: root\nprivateKey: {file: id_ed25519}\n',
    'kind: SnmpCredentials\nname: bench\nversion: v2c\ncommunity: {env: PYTIN_SECRET_BENCH_COMMUNITY}\n',
    ...agents.map(
      (a, i) =>
        `kind: Switch\nname: sw-${i}\nplacement: {rack: r1, position: ${i + 1}}\nsnmp: {host: ${a.host}, port: ${a.port}, credentials: bench, timeoutMs: 3000}\nports: []\n`,
    ),
    ...hosts.map(
      (h, i) =>
        `kind: Server\nname: hv-${i}\nplacement: {rack: r1, position: ${20 + i}}\nroles: [hypervisor]\nssh: {host: 127.0.0.1, port: ${h.port}, endpoint: root}\nlibvirt: {uri: "test:///default"}\n`,
    ),
  ];
  writeFileSync(join(repo, 'inventory.yaml'), docs.join('---\n'));
  git(repo, 'init', '-q');
  git(repo, 'add', 'inventory.yaml');
  git(repo, 'commit', '-qm', 'bench');
  process.env.PYTIN_SECRET_BENCH_COMMUNITY = COMMUNITY;

  const agentPids = agents.map((a) => a.daemon.pid);
  const hostPids = hosts.map((h) => h.pid);
  const parallel: Phases[] = [];
  const serial: Phases[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [list, extra] of [
      [parallel, []],
      [serial, ['--parallelism', '1']],
    ] as const) {
      const agentsBefore = await labCpuSeconds(agentPids);
      const hostsBefore = await labCpuSeconds(hostPids);
      const run = await measureProcessLines(process.execPath, [pytin, 'observe', '--repo', repo, '--json', ...extra]);
      if (run.exitCode !== 0) throw new Error(`pytin observe ${extra.join(' ')} failed:\n${run.stdout}`);
      const lab = { agentsCpu: (await labCpuSeconds(agentPids)) - agentsBefore, hostsCpu: (await labCpuSeconds(hostPids)) - hostsBefore };
      list.push(phasesOf(run, lab));
      if (process.env.BENCH_VERBOSE) process.stdout.write(`${extra.join(' ') || 'default'}:\n${run.stdout}\n`);
    }
  }
  // Start-up apart: a bare Node process, and `pytin validate` of the same inventory (Node, pytin's
  // imports, the inventory read from git, parsed or taken from the inventory cache, and checked).
  const bareNode: number[] = [];
  const validate: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bareNode.push(measureProcess(process.execPath, ['-e', '']).wallSeconds);
    const run = measureProcess(process.execPath, [pytin, 'validate', '--repo', repo]);
    if (run.exitCode !== 0) throw new Error(`pytin validate failed:\n${run.stdout}`);
    validate.push(run.wallSeconds);
  }
  const p = median(parallel.map((r) => r.wall));
  const s = median(serial.map((r) => r.wall));
  process.stdout.write(
    [
      `pytin observe of ${DEVICES} switches (snmpd, 1,000 neighbours each) and ${DEVICES} hosts (sshd + virsh test driver), whole process, median of ${RUNS}`,
      `  --parallelism ${DEFAULT_OBSERVE_PARALLELISM} (default)  ${formatSeconds(p)}`,
      `  --parallelism 1             ${formatSeconds(s)}`,
      `  speedup                     ${(s / p).toFixed(2)}x (goal >= 4x)`,
      `  runs (wall s)               default ${parallel.map((r) => r.wall.toFixed(1)).join(' ')}; --parallelism 1 ${serial.map((r) => r.wall.toFixed(1)).join(' ')}`,
      `  walks only (first walk begun to last stored): ${(median(serial.map((r) => r.walks)) / median(parallel.map((r) => r.walks))).toFixed(2)}x`,
      ...boundOnThisMachine(parallel, s),
      'where the time goes (medians):',
      `  start-up, for comparison: a bare Node process ${formatSeconds(median(bareNode))}; pytin validate of the same inventory (imports, git, parse or cache, checks) ${formatSeconds(median(validate))}`,
      ...describePhases('default      ', parallel),
      ...describePhases('--parallelism 1', serial),
      `load average at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (2 cores shared with other work: ratios, not absolute times)`,
      '',
    ].join('\n'),
  );
} finally {
  for (const h of hosts) await h.stop();
  for (const a of agents) await a.stop();
  await netns.remove();
  await dir.remove();
}
