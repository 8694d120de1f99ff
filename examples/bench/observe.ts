// npm run bench:observe (as root) — `pytin observe` of 8 switches (8 snmpsimd agents serving
// recorded real devices) and 8 hosts (8 sshd, virsh on libvirt's test driver), with the default
// parallelism and with --parallelism 1, alternately, whole processes; medians and the speedup.
import { writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSnmpsim, type Snmpsim } from '../../test/lab/snmpsim.js';
import { snmpFixturesDir } from '../../test/lab/snmp-fixtures.js';
import { generateKey, startSshd, type LabSshd } from '../../test/lab/sshd.js';
import { makeTempDir } from '../../test/lab/daemon.js';
import { git } from '../../test/support/git-repo.js';
import { DEFAULT_OBSERVE_PARALLELISM } from '../../reconciler/cli/commands/observe.js';
import { measureProcess, median, formatSeconds } from './measure.js';

const DEVICES = 8;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RECORDINGS = ['cisco-c3750', 'dlink-des3200', 'hpe-procurve-516733-b21', 'cisco-n5000'];
const pytin = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'reconciler', 'cli', 'pytin.js');

const dir = await makeTempDir('bench-observe');
const agents: Snmpsim[] = [];
const hosts: LabSshd[] = [];
try {
  const key = join(dir.path, 'id_ed25519');
  await generateKey(key);
  // One snmpsimd per switch: 8 separate agents, as 8 real switches would be.
  agents.push(...(await Promise.all(Array.from({ length: DEVICES }, (_, i) => startSnmpsim(snmpFixturesDir(), [RECORDINGS[i % RECORDINGS.length]!])))));
  for (let i = 0; i < DEVICES; i++) hosts.push(await startSshd({ clientKeyPath: key }));
  const repo = join(dir.path, 'inventory');
  mkdirSync(join(repo, '.pytin'), { recursive: true });
  copyFileSync(key, join(repo, '.pytin', 'id_ed25519'));
  writeFileSync(join(repo, '.pytin', 'known_hosts'), hosts.map((h) => h.knownHostsLine).join('\n') + '\n');
  const docs = [
    'kind: Datacenter\nname: dc\n',
    'kind: Rack\nname: r1\ndatacenter: dc\n',
    'kind: SshEndpoint\nname: root\nprivateKey: {file: .pytin/id_ed25519}\n',
    ...RECORDINGS.map((r) => `kind: SnmpCredentials\nname: ${r}\nversion: v2c\ncommunity: {env: COMMUNITY_${r.replace(/-/g, '_').toUpperCase()}}\n`),
    ...agents.map((a, i) => `kind: Switch\nname: sw-${i}\nplacement: {rack: r1, position: ${i + 1}}\nsnmp: {host: 127.0.0.1, port: ${a.port}, credentials: ${RECORDINGS[i % RECORDINGS.length]}, timeoutMs: 3000}\nports: []\n`),
    ...hosts.map((h, i) => `kind: Server\nname: hv-${i}\nplacement: {rack: r1, position: ${20 + i}}\nroles: [hypervisor]\nssh: {host: 127.0.0.1, port: ${h.port}, endpoint: root}\nlibvirt: {uri: "test:///default"}\n`),
  ];
  writeFileSync(join(repo, 'inventory.yaml'), docs.join('---\n'));
  git(repo, 'init', '-q');
  git(repo, 'add', 'inventory.yaml');
  git(repo, 'commit', '-qm', 'bench');
  for (const r of RECORDINGS) process.env[`COMMUNITY_${r.replace(/-/g, '_').toUpperCase()}`] = r;

  const parallel: number[] = [];
  const serial: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [list, extra] of [[parallel, []], [serial, ['--parallelism', '1']]] as const) {
      const run = measureProcess(process.execPath, [pytin, 'observe', '--repo', repo, ...extra]);
      if (run.exitCode !== 0) throw new Error(`pytin observe ${extra.join(" ")} failed:\n${run.stdout}`);
      list.push(run.wallSeconds);
    }
  }
  const p = median(parallel);
  const s = median(serial);
  process.stdout.write(
    [
      `pytin observe of ${DEVICES} switches (snmpsimd, recorded devices) and ${DEVICES} hosts (sshd + virsh test driver), whole process, median of ${RUNS}`,
      `  --parallelism ${DEFAULT_OBSERVE_PARALLELISM} (default)  ${formatSeconds(p)}`,
      `  --parallelism 1             ${formatSeconds(s)}`,
      `  speedup                     ${(s / p).toFixed(2)}x`,
      '',
    ].join('\n'),
  );
} finally {
  for (const h of hosts) await h.stop();
  for (const a of agents) await a.stop();
  await dir.remove();
}
