import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { COMMANDS } from '../../../reconciler/cli/commands.js';
import { runCli } from '../../../reconciler/cli/run-cli.js';
import type { Row } from '../../../reconciler/store/file/sqlite.js';
import { openStore } from '../../../reconciler/store/open-store.js';
import { usageAttribution } from '../../../reconciler/usage/usage-attribution.js';
import { usageReport } from '../../../reconciler/usage/usage-report.js';
import { freeUdpPort, startDaemon, waitFor } from '../../lab/daemon.js';
import { createNetns } from '../../lab/netns.js';
import { startSnmpd } from '../../lab/snmpd.js';
import { captureIO } from '../../support/capture-io.js';
import { makeRepo } from '../../support/git-repo.js';
import { labTexts, snapshotOf } from '../../support/lab-inventory.js';

const run = promisify(execFile);
const ip = (...args: string[]) => run('ip', args);

/** The rate the server's uplink is shaped to (HTB on its egress): the traffic's known rate. */
const SHAPED_BITS_PER_SECOND = 20_000_000;
const FIVE_MINUTES = 300_000;

test('a switch port carrying iperf3 traffic of a known rate: observe samples it, and the usage report counts that rate', async (t) => {
  // The "switch": a namespace with snmpd (reachable from here over its veth) and a port
  // `swport0` cabled to the "server", a second namespace whose egress HTB shapes to 20 Mbit/s.
  const sw = await createNetns();
  t.after(() => sw.remove());
  const server = `${sw.name}-srv`;
  await ip('netns', 'add', server);
  t.after(() => ip('netns', 'del', server).catch(() => undefined));
  await ip('-n', sw.name, 'link', 'add', 'swport0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', server);
  await ip('-n', sw.name, 'addr', 'add', '10.77.0.1/24', 'dev', 'swport0');
  await ip('-n', sw.name, 'link', 'set', 'swport0', 'up');
  await ip('-n', server, 'addr', 'add', '10.77.0.2/24', 'dev', 'eth0');
  await ip('-n', server, 'link', 'set', 'eth0', 'up');
  await ip('-n', server, 'link', 'set', 'lo', 'up');
  const tc = (...args: string[]) => run('ip', ['netns', 'exec', server, 'tc', ...args]);
  await tc('qdisc', 'add', 'dev', 'eth0', 'root', 'handle', '1:', 'htb', 'default', '10');
  await tc('class', 'add', 'dev', 'eth0', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '20mbit', 'ceil', '20mbit');

  const community = 'lab-usage';
  const snmpd = await startSnmpd({ netns: sw, port: await freeUdpPort(), community });
  t.after(() => snmpd.stop());

  // The lab inventory: sw-r01 is this agent, hv-01's eno1 is cabled to swport0.
  const texts = labTexts();
  const switches = texts.get('network/switches.yaml')!;
  texts.set(
    'network/switches.yaml',
    switches
      .replace('  host: 127.0.0.1\n  port: 16101\n', `  host: ${snmpd.host}\n  port: ${snmpd.port}\n`)
      .replace('ports:\n', 'ports:\n  - {name: swport0, speed: 10Gbit}\n'),
  );
  texts.set('servers/hypervisors.yaml', texts.get('servers/hypervisors.yaml')!.replace('port: Gi1/0/1}', 'port: swport0}'));
  texts.set('.gitignore', '.pytin/\n');
  const repo = await makeRepo(texts);
  t.after(() => repo.remove());
  const observe = async () => {
    const io = captureIO(repo.path, { PYTIN_SECRET_SW_R01_COMMUNITY: community });
    const code = await runCli(COMMANDS, ['observe', '--only', 'snmp', '--device', 'sw-r01'], io);
    // The lab's hosts have no keys here (and sw-r02 no community): only sw-r01 must succeed.
    assert.match(io.out(), /^ok {3}switch\/sw-r01 /m, `exit ${code}: ${io.out()}${io.err()}`);
  };

  // Traffic from the server to the switch, running until we stop it (by PID), unshaped by iperf
  // itself: the HTB class is what sets the rate.
  const iperfServer = startDaemon('ip', ['netns', 'exec', sw.name, 'iperf3', '-s', '-B', '10.77.0.1', '-p', '5201']);
  t.after(() => iperfServer.stop());
  await waitFor('iperf3 to listen', async () => (await run('ip', ['netns', 'exec', sw.name, 'ss', '-Hltn', 'sport = :5201'])).stdout.includes('5201'));
  const iperfClient = startDaemon('ip', ['netns', 'exec', server, 'iperf3', '-c', '10.77.0.1', '-p', '5201', '-t', '600']);
  t.after(() => iperfClient.stop());
  const rxBytes = async () => {
    const { stdout } = await run('ip', ['-n', sw.name, '-j', '-s', 'link', 'show', 'swport0']);
    return (JSON.parse(stdout) as Array<{ stats64: { rx: { bytes: number } } }>)[0]!.stats64.rx.bytes;
  };
  // Sample once the flow is steady (the shaper's queue full), then again after 50 MB more
  // (20 s): snmpd caches interface counters for a few seconds, an error that must stay small
  // against the interval (at 5 minutes it vanishes).
  const before = await rxBytes();
  await waitFor('traffic to flow', async () => (await rxBytes()) - before > 2_000_000, 30_000, 100);
  await observe();
  const store = join(repo.path, '.pytin', 'store.sqlite');
  const afterFirst = await rxBytes();
  const firstAt = Date.now();
  await waitFor('50 MB more', async () => (await rxBytes()) - afterFirst > 50_000_000, 120_000, 200);
  const kernelBitsPerSecond = (((await rxBytes()) - afterFirst) * 8) / ((Date.now() - firstAt) / 1000);
  await observe();
  await iperfClient.stop();

  const db = await openStore(store);
  t.after(() => db.close());
  const samples = await db.all<Row & { sampled_at: number }>(
    "SELECT sampled_at FROM counter_samples s JOIN device_interfaces i USING (device, if_index) WHERE s.device = 'sw-r01' AND i.if_name = 'swport0' ORDER BY sampled_at",
  );
  assert.equal(samples.length, 2);
  const [a, b] = [samples[0]!.sampled_at, samples[1]!.sampled_at];
  const from = Math.floor(a / FIVE_MINUTES) * FIVE_MINUTES;
  const to = (Math.floor(b / FIVE_MINUTES) + 1) * FIVE_MINUTES;
  const { state } = validateInventory(snapshotOf(texts));
  const answer = await usageReport(db, { from, to, scope: { kind: 'server-ports', server: 'hv-01' } }, usageAttribution(state));
  assert.ok('report' in answer);
  const row = answer.report.rows[0]!;
  assert.equal(row.counters, 'switch/sw-r01/swport0');
  assert.equal(row.samples, 2);
  // The report's own figures: bytes over the covered time. The interval between the two samples
  // is all it covers (a few seconds: too short for a 5-minute rate, hence no p95 here; the p95
  // is checked against a reference in usage-report.test.ts).
  const coveredSeconds = (row.coverage * (to - from)) / 1000;
  assert.ok(Math.abs(coveredSeconds - (b - a) / 1000) < 0.01, `${coveredSeconds} s covered, samples ${(b - a) / 1000} s apart`);
  const bitsPerSecond = (row.bytesIn * 8) / coveredSeconds;
  t.diagnostic(
    `usage report: ${(bitsPerSecond / 1e6).toFixed(2)} Mbit/s over ${coveredSeconds.toFixed(1)} s; kernel: ${(kernelBitsPerSecond / 1e6).toFixed(2)} Mbit/s`,
  );
  assert.ok(
    Math.abs(bitsPerSecond - SHAPED_BITS_PER_SECOND) < SHAPED_BITS_PER_SECOND * 0.15,
    `measured ${(bitsPerSecond / 1e6).toFixed(2)} Mbit/s through the switch port, shaped to ${SHAPED_BITS_PER_SECOND / 1e6} Mbit/s (the kernel's counters: ${(kernelBitsPerSecond / 1e6).toFixed(2)})`,
  );
  // Direction: the switch received (in) what the server sent; it sent back only ACKs.
  assert.ok(row.bytesOut < row.bytesIn / 10);
});
