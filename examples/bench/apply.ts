// npm run bench:apply (as root) — `pytin apply --auto-approve` of 200 VM creates across 4 lab
// hypervisors (sshd + unprivileged libvirtd with the test driver, each), with the default
// parallelism and with --parallelism 1, alternately, whole processes; between two timed applies an
// untimed apply of the commit without VMs deletes them again. Medians and the speedup; the commands
// (SSH round trips) per create as pytin's SSH runner counted them (`apply --json`); and, measured
// in the same run on one lab host, what one SSH command and one virsh command cost, so the apply's
// time can be read against them.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_APPLY_PARALLELISM } from '../../reconciler/cli/commands/apply.js';
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
  const apply = (ref: string, ...extra: string[]) => {
    const run = measureProcess(process.execPath, [pytin, 'apply', '--repo', repo, '--ref', ref, '--auto-approve', '--refresh', '--json', ...extra]);
    if (run.exitCode !== 0) throw new Error(`apply --ref ${ref} ${extra.join(' ')} failed:\n${run.stdout.slice(-2000)}`);
    return run;
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
  const parallel: number[] = [];
  const serial: number[] = [];
  const commands: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [list, extra] of [
      [parallel, []],
      [serial, ['--parallelism', '1']],
    ] as const) {
      const run = apply('full', ...extra);
      const creates = commandsPerCreate(run.stdout);
      if (creates.length !== VMS) throw new Error(`expected ${VMS} applied creates, got ${creates.length}:\n${run.stdout.slice(-1000)}`);
      commands.push(...creates);
      cpu.push(run.cpuSeconds);
      list.push(run.wallSeconds);
      if (process.env.BENCH_VERBOSE)
        process.stdout.write(`${extra.join(' ') || 'default'}: wall ${run.wallSeconds} s, pytin's own cpu ${run.cpuSeconds.toFixed(1)} s\n`);
      apply('empty', '--allow-mass-destroy');
    }
  }
  const costs = await commandCosts(hosts[0]!, key, join(repo, '.pytin', 'known_hosts'));
  const p = median(parallel);
  const s = median(serial);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  process.stdout.write(
    [
      `pytin apply --auto-approve --refresh of ${VMS} VM creates across ${HOSTS} hypervisors (sshd + libvirtd test driver), whole process, median of ${RUNS}`,
      `  --parallelism ${DEFAULT_APPLY_PARALLELISM} (default)  ${formatSeconds(p)}`,
      `  --parallelism 1             ${formatSeconds(s)}`,
      `  speedup                     ${(s / p).toFixed(2)}x (goal >= 3x)`,
      `  runs (wall s)               default ${parallel.map((v) => v.toFixed(1)).join(' ')}; --parallelism 1 ${serial.map((v) => v.toFixed(1)).join(' ')}`,
      `commands (SSH round trips) per create, counted by pytin's SSH runner: max ${Math.max(...commands)}, mean ${(commands.reduce((a, b) => a + b, 0) / commands.length).toFixed(2)} (goal <= 2)`,
      `where the time goes (same run, hv-0, median of ${COST_SAMPLES} one after another):`,
      `  one SSH command (\`true\`)                 ${costs.ssh.toFixed(1)} ms`,
      `  one virsh command over SSH (domstate)     ${costs.virsh.toFixed(1)} ms   (virsh's start and connection to libvirtd)`,
      `  pytin's own CPU per apply (median)        ${median(cpu).toFixed(1)} s`,
      `  serial: ${((s * 1000) / VMS).toFixed(0)} ms per create, i.e. ${((s * 1000) / VMS / costs.virsh).toFixed(1)} virsh commands' worth`,
      `load average at the end: ${load} (2 cores shared with other work: ratios, not absolute times)`,
      '',
    ].join('\n'),
  );
} finally {
  for (const d of daemons.reverse()) await d.stop();
  await dir.remove();
}
