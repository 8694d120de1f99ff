// npm run bench:observe (as root) — `pytin observe` of 8 switches (8 snmpd agents in a network
// namespace, each serving the namespace's 1,000 real neighbour entries) and 8 hosts (8 sshd, virsh
// on libvirt's test driver), with the default parallelism and with --parallelism 1, alternately,
// whole processes; medians and the speedup. snmpd rather than snmpsimd: snmpsimd is Python and
// CPU-bound, so 8 of them on 2 cores would measure the agents, not pytin.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_OBSERVE_PARALLELISM } from '../../reconciler/cli/commands/observe.js';
import { makeTempDir } from '../../test/lab/daemon.js';
import { addNeighbours, createNetns, manyIpv4Neighbours } from '../../test/lab/netns.js';
import { type Snmpd, startSnmpd } from '../../test/lab/snmpd.js';
import { generateKey, type LabSshd, startSshd } from '../../test/lab/sshd.js';
import { git } from '../../test/support/git-repo.js';
import { formatSeconds, measureProcess, median } from './measure.js';

const DEVICES = 8;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const COMMUNITY = 'bench';
const pytin = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'reconciler', 'cli', 'pytin.js');

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

  const parallel: number[] = [];
  const serial: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [list, extra] of [
      [parallel, []],
      [serial, ['--parallelism', '1']],
    ] as const) {
      const run = measureProcess(process.execPath, [pytin, 'observe', '--repo', repo, ...extra]);
      if (run.exitCode !== 0) throw new Error(`pytin observe ${extra.join(' ')} failed:\n${run.stdout}`);
      list.push(run.wallSeconds);
      if (process.env.BENCH_VERBOSE) process.stdout.write(`${extra.join(' ') || 'default'}:\n${run.stdout}`);
    }
  }
  const p = median(parallel);
  const s = median(serial);
  process.stdout.write(
    [
      `pytin observe of ${DEVICES} switches (snmpd, 1,000 neighbours each) and ${DEVICES} hosts (sshd + virsh test driver), whole process, median of ${RUNS}`,
      `  --parallelism ${DEFAULT_OBSERVE_PARALLELISM} (default)  ${formatSeconds(p)}`,
      `  --parallelism 1             ${formatSeconds(s)}`,
      `  speedup                     ${(s / p).toFixed(2)}x`,
      '',
    ].join('\n'),
  );
} finally {
  for (const h of hosts) await h.stop();
  for (const a of agents) await a.stop();
  await netns.remove();
  await dir.remove();
}
