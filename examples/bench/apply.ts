// npm run bench:apply (as root) — `pytin apply --auto-approve` of 200 VM creates across 4 lab
// hypervisors (sshd + unprivileged libvirtd with the test driver, each), with the default
// parallelism and with --parallelism 1, alternately, whole processes; between two timed applies an
// untimed apply of the commit without VMs deletes them again. Medians and the speedup.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_APPLY_PARALLELISM } from '../../reconciler/cli/commands/apply.js';
import { makeTempDir } from '../../test/lab/daemon.js';
import { type LabLibvirtd, startLabLibvirtd } from '../../test/lab/libvirtd.js';
import { generateKey, type LabSshd, startSshd } from '../../test/lab/sshd.js';
import { git } from '../../test/support/git-repo.js';
import { formatSeconds, measureProcess, median } from './measure.js';

const HOSTS = 4;
const VMS = 200;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const pytin = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'reconciler', 'cli', 'pytin.js');

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
    const run = measureProcess(process.execPath, [pytin, 'apply', '--repo', repo, '--ref', ref, '--auto-approve', '--refresh', ...extra]);
    if (run.exitCode !== 0) throw new Error(`apply --ref ${ref} ${extra.join(' ')} failed:\n${run.stdout.slice(-2000)}`);
    return run;
  };
  apply('empty', '--allow-mass-destroy'); // also observes every host once
  const parallel: number[] = [];
  const serial: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [list, extra] of [
      [parallel, []],
      [serial, ['--parallelism', '1']],
    ] as const) {
      const run = apply('full', ...extra);
      if (!run.stdout.includes(`Apply complete: ${VMS} applied`)) throw new Error(`unexpected apply output:\n${run.stdout.slice(-1000)}`);
      list.push(run.wallSeconds);
      if (process.env.BENCH_VERBOSE)
        process.stdout.write(`${extra.join(' ') || 'default'}: wall ${run.wallSeconds} s, pytin's own cpu ${run.cpuSeconds.toFixed(1)} s\n`);
      apply('empty', '--allow-mass-destroy');
    }
  }
  const p = median(parallel);
  const s = median(serial);
  process.stdout.write(
    [
      `pytin apply --auto-approve --refresh of ${VMS} VM creates across ${HOSTS} hypervisors (sshd + libvirtd test driver), whole process, median of ${RUNS}`,
      `  --parallelism ${DEFAULT_APPLY_PARALLELISM} (default)  ${formatSeconds(p)}`,
      `  --parallelism 1             ${formatSeconds(s)}`,
      `  speedup                     ${(s / p).toFixed(2)}x (goal >= 3x)`,
      '',
    ].join('\n'),
  );
} finally {
  for (const d of daemons.reverse()) await d.stop();
  await dir.remove();
}
