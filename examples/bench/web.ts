// npm run bench:web — server time of the web view's rack page and /24 pool map on the default
// generated inventory (20,000 VMs, 80 /24 pools), every held address of the pool seen by a switch
// plus a few seen without an owner. Reference, same run, same process, same store: the JSON API's
// answer for the same rack (/v1/servers?rack=) and the same pool (/v1/ip-addresses?pool=) with its
// answer cache off (web pages are never cached: each request renders). The apply run recorded a
// plan as large as a real first apply's (a create per VM, drift on some servers). In-process requests
// (fastify inject), alternating, medians of warm requests. Goal: <= 50 ms per page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { readInventory } from '../../inventory/source/read-inventory.js';
import { validateInventory } from '../../inventory/validate/validate-inventory.js';
import { createApiToken } from '../../reconciler/store/api/api-tokens.js';
import { desiredStateJson } from '../../reconciler/store/api/desired-state-json.js';
import { finishApplyRun, startApplyRun } from '../../reconciler/store/apply/apply-runs.js';
import { openStore } from '../../reconciler/store/open-store.js';
import { build } from '../../server/build.js';
import { recordSightings } from '../../test/support/applied-store.js';
import { commitAll } from '../../test/support/git-repo.js';
import { DEFAULT_PARAMETERS, generateInventory } from '../generator/generate-inventory.js';
import { median } from './measure.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const GOAL_MS = 50;

const dir = mkdtempSync(join(tmpdir(), 'pytin-bench-web-'));
try {
  await generateInventory(dir, DEFAULT_PARAMETERS);
  commitAll(dir, 'generated');
  const snapshot = await readInventory({ repo: dir });
  const { state } = validateInventory(snapshot);
  const commit = snapshot.revision.commit!;
  const storePath = join(dir, '.pytin', 'store.sqlite');
  const writer = await openStore(storePath);
  // The plan that first apply recorded, as large as a real one: a create per VM, and drift on
  // every tenth server (the rack page marks drift from it; it is parsed once per apply run).
  const resources = [...state.resources.values()];
  const planMessages = [
    ...resources
      .filter((r) => r.kind === 'VM')
      .map((r) => ({ type: 'planned_change', address: r.address, action: 'create', driver: 'kvm', before: null, after: r.spec, reason: 'not defined' })),
    ...resources
      .filter((r, i) => r.kind === 'Server' && i % 10 === 0)
      .map((r) => ({
        type: 'drift',
        address: r.address,
        kind: 'device-not-answering',
        evidence: { source: 'ssh', where: r.name, seenAt: new Date().toISOString() },
        message: `${r.name} did not answer`,
      })),
  ];
  const planMessagesJson = JSON.stringify(planMessages);
  const runId = await startApplyRun(writer, { commit, planHash: 'bench', holder: 'bench', startedAt: Date.now(), planMessagesJson });
  await finishApplyRun(writer, runId, { ok: true, finishedAt: Date.now(), commit, desiredJson: desiredStateJson(state) });
  const made = await createApiToken(writer, 'bench', Date.now());
  if (!made.created) throw new Error('no token');

  // The rack holding the most servers, and a /24 pool with the most held addresses.
  const perRack = new Map<string, number>();
  const perPool = new Map<string, string[]>();
  for (const r of state.resources.values()) {
    if (r.kind === 'Server') {
      const rack = (r.spec as { placement: { rack: string } }).placement.rack;
      perRack.set(rack, (perRack.get(rack) ?? 0) + 1);
    }
  }
  const cidrs = new Map([...state.resources.values()].filter((r) => r.kind === 'IPPool').map((r) => [r.name, (r.spec as { cidr: string }).cidr]));
  for (const h of state.ipHoldings.values()) if (h.pool && cidrs.get(h.pool)?.endsWith('/24')) perPool.set(h.pool, [...(perPool.get(h.pool) ?? []), h.ip]);
  const [rack, servers] = [...perRack].sort((a, b) => b[1] - a[1])[0]!;
  const [pool, held] = [...perPool].sort((a, b) => b[1].length - a[1].length)[0]!;
  const prefix = cidrs.get(pool)!.replace(/\.0\/24$/, '');
  const heldSet = new Set(held);
  const strays = Array.from({ length: 256 }, (_, i) => `${prefix}.${i}`)
    .filter((ip) => !heldSet.has(ip))
    .slice(-5);
  await recordSightings(
    writer,
    'bench-sw',
    [...held, ...strays].map((ip, i) => ({
      ip,
      mac: `52:54:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
      port: 'Gi1/0/1',
      vlan: 100,
    })),
    Date.now(),
  );
  await writer.close();

  const store = await openStore(storePath);
  const app = await build({ store, answerCacheBytes: 0, rateLimit: { perMinute: 1e9, burst: 1e9 } });
  const basic = { authorization: `Basic ${Buffer.from(`bench:${made.token}`).toString('base64')}` };
  const bearer = { authorization: `Bearer ${made.token}` };
  const cases = [
    { name: `rack page /racks/${rack} (${servers} servers)`, url: `/racks/${rack}`, headers: basic },
    { name: `  reference /v1/servers?rack=${rack}`, url: `/v1/servers?rack=${rack}`, headers: bearer },
    { name: `pool map /pools/${pool} (/24, ${held.length} held, ${strays.length} strays)`, url: `/pools/${pool}`, headers: basic },
    { name: `  reference /v1/ip-addresses?pool=${pool}&limit=256`, url: `/v1/ip-addresses?pool=${pool}&limit=256`, headers: bearer },
  ];
  const once = async (c: (typeof cases)[number]) => {
    const started = performance.now();
    const res = await app.inject({ url: c.url, headers: c.headers });
    const ms = performance.now() - started;
    if (res.statusCode !== 200) throw new Error(`${c.url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    return { ms, bytes: res.rawPayload.length };
  };
  // The first request loads the commit's model and the sightings (shared by the API and the
  // pages, once per state): reported apart.
  const cold = await once(cases[0]!);
  for (let i = 0; i < 20; i++) for (const c of cases) await once(c);
  const times = cases.map(() => [] as number[]);
  const bytes = cases.map(() => 0);
  for (let i = 0; i < REQUESTS; i++)
    for (const [k, c] of cases.entries()) {
      const r = await once(c);
      times[k]!.push(r.ms);
      bytes[k] = r.bytes;
    }
  process.stdout.write(
    `inventory: ${JSON.stringify(DEFAULT_PARAMETERS)}, ${state.ipHoldings.size} held addresses; ${REQUESTS} requests each, alternating, in-process (inject)\n`,
  );
  process.stdout.write(
    `first request (loads the commit's model and sightings, shared with the API, and parses the recorded plan, ${(planMessagesJson.length / 1e6).toFixed(1)} MB, once per apply run): ${cold.ms.toFixed(1)} ms\n`,
  );
  for (const [k, c] of cases.entries()) process.stdout.write(`${c.name}: median ${median(times[k]!).toFixed(2)} ms, ${bytes[k]} bytes\n`);
  const rackMs = median(times[0]!);
  const poolMs = median(times[2]!);
  process.stdout.write(
    `rack page ${rackMs.toFixed(2)} ms (${(rackMs / median(times[1]!)).toFixed(1)}x its JSON reference), pool map ${poolMs.toFixed(2)} ms (${(poolMs / median(times[3]!)).toFixed(1)}x its JSON reference); goal <= ${GOAL_MS} ms each: ${rackMs <= GOAL_MS && poolMs <= GOAL_MS ? 'met' : 'NOT met'}\n`,
  );
  await app.close();
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
