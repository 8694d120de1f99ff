// npm run bench:api — GET /v1/ip-addresses?limit=100 of `pytin serve` on the default generated
// inventory (20,000 VMs, 80 /24 pools), against a bare fastify route returning the same bytes
// from memory (the floor), in the same run: autocannon, 32 connections, alternating runs,
// medians. Goal: >= 50% of the floor's requests per second and p99 <= 25 ms.
// Both servers are processes of their own; the load generator runs in this one.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import autocannon, { type AutocannonResult } from 'autocannon';

import { readInventory } from '../../inventory/source/read-inventory.js';
import { validateInventory } from '../../inventory/validate/validate-inventory.js';
import { createApiToken } from '../../reconciler/store/api/api-tokens.js';
import { desiredStateJson } from '../../reconciler/store/api/desired-state-json.js';
import { finishApplyRun, startApplyRun } from '../../reconciler/store/apply/apply-runs.js';
import { openStore } from '../../reconciler/store/open-store.js';
import { commitAll } from '../../test/support/git-repo.js';
import { DEFAULT_PARAMETERS, generateInventory } from '../generator/generate-inventory.js';
import { median } from './measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 32;
const here = fileURLToPath(new URL('.', import.meta.url));
const serverMain = join(here, '..', '..', 'server', 'main.js');
const floorMain = join(here, 'api-floor-server.js');

function startServer(args: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
      const m = /listening on (http:\/\/[^\s]+)/.exec(err);
      if (m)
        resolve({
          url: m[1]!,
          stop: () =>
            new Promise<void>((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${err}`)));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'pytin-bench-api-'));
try {
  await generateInventory(dir, DEFAULT_PARAMETERS);
  commitAll(dir, 'generated');
  const snapshot = await readInventory({ repo: dir });
  const { state } = validateInventory(snapshot);
  const commit = snapshot.revision.commit!;
  // The store an apply of this commit leaves (the applied desired state is what the API reads).
  const storePath = join(dir, '.pytin', 'store.sqlite');
  const store = await openStore(storePath);
  const runId = await startApplyRun(store, { commit, planHash: 'bench', holder: 'bench', startedAt: Date.now() });
  await finishApplyRun(store, runId, { ok: true, finishedAt: Date.now(), commit, desiredJson: desiredStateJson(state) });
  const made = await createApiToken(store, 'bench', Date.now());
  await store.close();
  if (!made.created) throw new Error('no token');
  const headers = { authorization: `Bearer ${made.token}` };

  const api = await startServer([serverMain, '--store', storePath, '--port', '0', '--rate-limit', '9999999']);
  // The same server without its answer cache: every request computes and serialises its page.
  const uncached = await startServer([serverMain, '--store', storePath, '--port', '0', '--rate-limit', '9999999', '--answer-cache-mb', '0']);
  const path = '/v1/ip-addresses?limit=100';
  const sample = await fetch(`${api.url}${path}`, { headers });
  if (sample.status !== 200) throw new Error(`the API answered ${sample.status}: ${await sample.text()}`);
  const bytes = Buffer.from(await sample.arrayBuffer());
  const bodyFile = join(dir, 'body.json');
  writeFileSync(bodyFile, bytes);
  const floor = await startServer([floorMain, bodyFile]);
  process.stdout.write(
    `inventory: ${JSON.stringify(DEFAULT_PARAMETERS)}, ${state.ipHoldings.size} held addresses; answer ${bytes.length} bytes; ` +
      `${RUNS} runs of ${DURATION} s each, ${CONNECTIONS} connections, alternating\n`,
  );
  try {
    // Warm both up (JIT, caches) before measuring.
    await autocannon({ url: `${api.url}${path}`, connections: CONNECTIONS, duration: 2, headers });
    await autocannon({ url: `${floor.url}${path}`, connections: CONNECTIONS, duration: 2 });
    await autocannon({ url: `${uncached.url}${path}`, connections: CONNECTIONS, duration: 2, headers });
    const results: Record<'api' | 'floor' | 'uncached', AutocannonResult[]> = { api: [], floor: [], uncached: [] };
    for (let i = 0; i < RUNS; i++) {
      results.floor.push(await autocannon({ url: `${floor.url}${path}`, connections: CONNECTIONS, duration: DURATION }));
      results.api.push(await autocannon({ url: `${api.url}${path}`, connections: CONNECTIONS, duration: DURATION, headers }));
      results.uncached.push(await autocannon({ url: `${uncached.url}${path}`, connections: CONNECTIONS, duration: DURATION, headers }));
    }
    for (const r of [...results.api, ...results.uncached])
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`the API answered ${r.non2xx} non-2xx and ${r.errors} errors`);
    const summary = (rs: AutocannonResult[]) => ({
      rps: median(rs.map((r) => r.requests.average)),
      p50: median(rs.map((r) => r.latency.p50)),
      p99: median(rs.map((r) => r.latency.p99)),
    });
    const a = summary(results.api);
    const f = summary(results.floor);
    const u = summary(results.uncached);
    process.stdout.write(`floor (bare fastify, same bytes): ${f.rps.toFixed(0)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms\n`);
    process.stdout.write(`pytin API:                        ${a.rps.toFixed(0)} req/s, p50 ${a.p50} ms, p99 ${a.p99} ms\n`);
    process.stdout.write(
      `pytin API, no answer cache:       ${u.rps.toFixed(0)} req/s, p50 ${u.p50} ms, p99 ${u.p99} ms (${((u.rps / f.rps) * 100).toFixed(0)}% of the floor)\n`,
    );
    process.stdout.write(`ratio: ${((a.rps / f.rps) * 100).toFixed(0)}% of the floor (goal >= 50%); p99 ${a.p99} ms (goal <= 25 ms)\n`);
  } finally {
    await floor.stop();
    await api.stop();
    await uncached.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
