import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import type { Row } from '../../../../reconciler/store/file/sqlite.js';
import { openStore } from '../../../../reconciler/store/open-store.js';
import { freeUdpPort, startDaemon, waitFor } from '../../../lab/daemon.js';
import { LAB_SWITCH_RECORDINGS } from '../../../lab/lab-environment.js';
import { snmpFixturesDir } from '../../../lab/snmp-fixtures.js';
import { type Snmpsim, startSnmpsim } from '../../../lab/snmpsim.js';
import { makeRepo } from '../../../support/git-repo.js';
import { labTexts } from '../../../support/lab-inventory.js';

const PYTIN = fileURLToPath(new URL('../../../../reconciler/cli/pytin.js', import.meta.url));
const ENV = { PYTIN_SECRET_SW_R01_COMMUNITY: LAB_SWITCH_RECORDINGS['sw-r01'], PYTIN_SECRET_SW_R02_COMMUNITY: LAB_SWITCH_RECORDINGS['sw-r02'] };

let snmpsim: Snmpsim;
before(async () => {
  snmpsim = await startSnmpsim(snmpFixturesDir(), Object.values(LAB_SWITCH_RECORDINGS));
});
after(async () => {
  await snmpsim?.stop();
});

/** The lab inventory with sw-r01 on the recorded switch and sw-r02 as `sw02` says. */
async function inventory(sw02: string) {
  const texts = labTexts();
  const switches = texts.get('network/switches.yaml')!.replace('port: 16101', `port: ${snmpsim.port}`).replace('  port: 16102\n', sw02);
  texts.set('network/switches.yaml', switches);
  texts.set('.gitignore', '.pytin/\n');
  return makeRepo(texts);
}

/** `pytin observe --every ...` as a real process: its schedule reports go to stderr. */
function observer(repo: string, every: string) {
  const daemon = startDaemon(process.execPath, [PYTIN, 'observe', '--every', every, '--only', 'snmp', '--repo', repo], { env: { ...process.env, ...ENV } });
  const exit = new Promise<number | null>((resolve) => daemon.process.once('exit', (code) => resolve(code)));
  return { daemon, exit };
}

async function runsOf(repo: string, device: string) {
  const store = await openStore(join(repo, '.pytin', 'store.sqlite'));
  try {
    return await store.all<Row & { started_at: number; finished_at: number | null; status: string }>(
      'SELECT started_at, finished_at, status FROM observation_runs WHERE subject = ? ORDER BY id',
      [device],
    );
  } finally {
    await store.close();
  }
}

const started = (stderr: string) => [...stderr.matchAll(/observation of (\S+) started/g)].map((m) => Date.parse(m[1]!));

test('observes on each boundary, one run at a time, and stores a counter sample per run', async (t) => {
  const repo = await inventory(`  port: ${snmpsim.port}\n`);
  t.after(() => repo.remove());
  const { daemon, exit } = observer(repo.path, '2s');
  t.after(() => daemon.stop());
  await waitFor('three observations', () => started(daemon.stderr).length >= 4 && /finished[\s\S]*finished[\s\S]*finished/.test(daemon.stderr), 120_000, 200);
  daemon.process.kill('SIGTERM');
  assert.equal(await exit, 0, daemon.stderr);
  const boundaries = started(daemon.stderr);
  // Every run on a 2-second boundary, strictly increasing (never the same boundary twice).
  for (const b of boundaries) assert.equal(b % 2000, 0, `${new Date(b).toISOString()} is a boundary`);
  for (let i = 1; i < boundaries.length; i++) assert.ok(boundaries[i]! > boundaries[i - 1]!);
  const runs = await runsOf(repo.path, 'sw-r01');
  const succeeded = runs.filter((r) => r.status === 'succeeded');
  assert.ok(succeeded.length >= 3, JSON.stringify(runs));
  // Never two at once: each run started after the previous one finished.
  for (let i = 1; i < runs.length; i++) assert.ok(runs[i]!.started_at >= runs[i - 1]!.finished_at!, JSON.stringify(runs));
  const store = await openStore(join(repo.path, '.pytin', 'store.sqlite'));
  try {
    const samples = await store.get<Row & { n: number }>("SELECT count(DISTINCT sampled_at) AS n FROM counter_samples WHERE device = 'sw-r01'");
    assert.equal(samples?.n, succeeded.length, 'one counter sample time per successful walk');
  } finally {
    await store.close();
  }
  assert.match(daemon.stderr, /stop requested/);
  assert.match(daemon.stderr, /stopped\n$/);
});

test('SIGTERM during a walk lets it finish and be recorded, then exits 0', async (t) => {
  // sw-r02 points at a port where nothing answers: its walk lasts its 4-second timeout.
  const silent = await freeUdpPort();
  const repo = await inventory(`  port: ${silent}\n  timeoutMs: 4000\n  retries: 0\n`);
  t.after(() => repo.remove());
  const { daemon, exit } = observer(repo.path, '1s');
  t.after(() => daemon.stop());
  await waitFor('a walk to start', () => started(daemon.stderr).length >= 1, 60_000, 20);
  daemon.process.kill('SIGTERM');
  assert.equal(await exit, 0, daemon.stderr);
  assert.match(daemon.stderr, /stop requested: finishing the current observation, then exiting\n[\s\S]*finished in [\s\S]*stopped\n$/);
  assert.equal(started(daemon.stderr).length, 1, 'no run starts after the stop request');
  // The walk of the silent switch ran to its end and was recorded as failed (not cut off).
  const runs = await runsOf(repo.path, 'sw-r02');
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.status, 'failed');
  assert.ok(runs[0]!.finished_at! - runs[0]!.started_at >= 3500, JSON.stringify(runs));
});
