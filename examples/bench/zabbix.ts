// npm run bench:zabbix — publishing a generated inventory of about 500 hosts to the lab's real
// Zabbix 6.0, against the floor measured in the same run: the same host objects created with bare
// batched host.create calls (100 a call) and nothing else (no read, no plan, no store). Also the
// no-op sync (API calls and time) and one changed host (API calls). No templates are linked, so
// both sides measure the same writes rather than Zabbix's template copying.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

import { Secret } from '../../inventory/secrets/secret.js';
import { dashboardPages } from '../../reconciler/drivers/zabbix/dashboard-widgets.js';
import { desiredDashboards } from '../../reconciler/drivers/zabbix/desired-dashboards.js';
import { desiredZabbix } from '../../reconciler/drivers/zabbix/desired-zabbix.js';
import { zabbixDriver } from '../../reconciler/drivers/zabbix/zabbix-driver.js';
import { zabbixConnectionOf, zabbixSubject } from '../../reconciler/drivers/zabbix/zabbix-settings.js';
import { applyInSession } from '../../reconciler/session/apply-session.js';
import { openSession } from '../../reconciler/session/open-session.js';
import { DEFAULT_OPERATOR_CONFIG } from '../../reconciler/session/operator-config.js';
import { ZabbixClient } from '../../reconciler/transports/zabbix/zabbix-client.js';
import { makeTempDir } from '../../test/lab/daemon.js';
import { startLabZabbix } from '../../test/lab/zabbix.js';
import { git, makeRepo } from '../../test/support/git-repo.js';
import { generateInventory } from '../generator/generate-inventory.js';
import { frontendShare, timeHttpCalls } from './http-call-timer.js';
import { median } from './measure.js';

const NO_OP_RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const http = timeHttpCalls();
const zabbix = await startLabZabbix();
const dir = await makeTempDir('bench-zabbix');
try {
  const generated = await generateInventory(join(dir.path, 'gen'), { racks: 10, servers: 90, vms: 400, pools: 4, datacenters: 1, tenants: 20, seed: 7 });
  // pytin logs in with an API token, as an operator is advised to: no user.login (about 0.4 s of
  // password hashing in PHP here) and no user.logout on each run.
  const tokenAdmin = await ZabbixClient.connect({ url: zabbix.url, credentials: { username: 'Admin', password: new Secret('zabbix') } });
  const [tokenid] = (await tokenAdmin.call<{ tokenids: string[] }>('token.create', { name: 'pytin-bench', userid: '1' })).tokenids;
  const [{ token }] = await tokenAdmin.call<Array<{ token: string }>>('token.generate', [tokenid]);
  await tokenAdmin.close();
  generated.set('zabbix.yaml', `kind: ZabbixConnection\nname: bench\nurl: ${zabbix.url}\ntoken: {env: PYTIN_SECRET_ZABBIX_TOKEN}\n`);
  const repo = await makeRepo(generated);
  const calls: string[] = [];
  /** Each first sync starts from an empty Zabbix and an empty store of its own. */
  let round = 0;
  const open = async () => {
    const opened = await openSession({
      inventory: { repo: repo.path },
      operator: DEFAULT_OPERATOR_CONFIG,
      storePath: join(dir.path, `store-${round}.sqlite`),
      env: { PYTIN_SECRET_ZABBIX_TOKEN: token! },
      trustNewHosts: false,
      parallelism: 1,
      drivers: [zabbixDriver],
      // As `pytin publish zabbix` does by default (--no-cache turns it off): the parse and schema
      // results of earlier runs, kept beside the store. Every run here has its own store, but the
      // stores share one folder, so one cache: warm from the probe below, as an operator's is from
      // the plans run before a first publish. The cold figure is printed too.
      inventoryCache: !process.env.BENCH_NO_CACHE,
      zabbixClient: { onCall: (m) => calls.push(m) },
    });
    if ('failed' in opened) throw new Error(JSON.stringify(opened.failed));
    return opened.session;
  };
  const isWrite = (m: string) => /\.(create|update|delete)$/.test(m);
  /** One `pytin publish zabbix`, in process: open, read, plan, apply, read back. Returns seconds,
   * calls, changes and where the time went, phase by phase, split into the frontend's time (HTTP
   * requests in flight) and pytin's (the rest). */
  const publish = async () => {
    calls.length = 0;
    const firstCall = http.calls.length;
    const started = performance.now();
    const session = await open();
    const opened = performance.now();
    let observed: number;
    let applied: number;
    let report;
    try {
      await session.observe(new Set([zabbixSubject('bench')]));
      observed = performance.now();
      report = await applyInSession(session, {
        refresh: false,
        safety: { allowDestroy: [], massDestroyPercent: 100, allowMassDestroy: true },
        parallelism: 1,
        lockTimeoutSeconds: 0,
        holder: { name: 'bench', host: 'bench', pid: process.pid },
      });
      applied = performance.now();
      if (!report.applied || !report.ok)
        throw new Error(`publish failed: ${JSON.stringify(report.applied ? report.outcomes.find((o) => !o.outcome.ok) : report.diagnostics)}`);
    } finally {
      await session.close();
    }
    const ended = performance.now();
    const timed = http.calls.slice(firstCall);
    const writes = timed.filter((c) => isWrite(c.method));
    const writesFrom = writes[0]?.startMs ?? applied;
    const writesTo = writes[writes.length - 1]?.endMs ?? applied;
    const spans: Array<[string, number, number]> = [
      ['open session (read + validate inventory, store)', started, opened],
      ['read Zabbix', opened, observed],
      ['plan (+ lock, run record)', observed, writesFrom],
      ['writes (+ outcomes recorded)', writesFrom, writesTo],
      ['read back + record', writesTo, applied],
      ['close', applied, ended],
    ];
    const phases = spans.map(([name, from, to]) => {
      const frontend = frontendShare(timed, from, to);
      return { name, ms: to - from, frontendMs: frontend.ms, calls: frontend.count };
    });
    const timeline = timed
      .map((c, i) => `${c.method} ${((c.endMs - c.startMs) / 1000).toFixed(2)}+${(((timed[i + 1]?.startMs ?? ended) - c.endMs) / 1000).toFixed(2)}`)
      .join(', ');
    return {
      seconds: (ended - started) / 1000,
      frontendSeconds: frontendShare(timed, started, ended).ms / 1000,
      calls: [...calls],
      changes: report.plan.changes.length,
      phases,
      timeline: `before the first call ${(((timed[0]?.startMs ?? ended) - started) / 1000).toFixed(2)} s; then per call, its own time + pytin's until the next (s): ${timeline}`,
    };
  };
  const phaseText = (phases: Awaited<ReturnType<typeof publish>>['phases']) =>
    phases
      .map(
        (p) =>
          `  ${p.name}: ${(p.ms / 1000).toFixed(2)} s = frontend ${(p.frontendMs / 1000).toFixed(2)} s (${p.calls} calls) + pytin ${((p.ms - p.frontendMs) / 1000).toFixed(2)} s`,
      )
      .join('\n');

  // The floor: the same groups and hosts, created by bare batched calls.
  const probe = await open();
  const settings = zabbixConnectionOf(probe.connections)!.spec;
  const desired = desiredZabbix(probe.state, settings);
  const boards = desiredDashboards(probe.state, settings.hostGroup, new Set(desired.hosts.map((h) => h.host)));
  await probe.close();
  const admin = await ZabbixClient.connect({ url: zabbix.url, credentials: { username: 'Admin', password: new Secret('zabbix') } });
  const widgets = boards.reduce((n, b) => n + b.pages.flat().length, 0);
  /** The frontend's own cost of a call that does next to nothing (PHP starting the frontend, the
   * session check, JSON): what every extra call adds whatever it asks. Alternating, 10 of each. */
  const perCall = { version: [] as number[], authenticated: [] as number[] };
  for (let i = 0; i < 10; i++) {
    let from = http.calls.length;
    await admin.call('apiinfo.version', {});
    perCall.version.push(http.calls.slice(from).reduce((ms, c) => ms + c.endMs - c.startMs, 0));
    from = http.calls.length;
    await admin.call('hostgroup.get', { output: ['groupid'], limit: 1 });
    perCall.authenticated.push(http.calls.slice(from).reduce((ms, c) => ms + c.endMs - c.startMs, 0));
  }
  /** Opening a session with no inventory cache (a first run on a machine, or --no-cache). */
  const coldOpens: number[] = [];
  for (let i = 0; i < 3; i++) {
    const from = performance.now();
    const cold = await openSession({
      inventory: { repo: repo.path },
      operator: DEFAULT_OPERATOR_CONFIG,
      storePath: join(dir.path, 'cold', 'store.sqlite'),
      env: {},
      trustNewHosts: false,
      parallelism: 1,
      drivers: [zabbixDriver],
    });
    coldOpens.push((performance.now() - from) / 1000);
    if ('session' in cold) await cold.session.close();
  }
  /** The floor, once: the same groups and hosts, then the same dashboards, by bare batched calls. */
  const floorRound = async () => {
    const floorStarted = performance.now();
    const created = await admin.callInBatches<{ groupids: string[] }>(
      'hostgroup.create',
      desired.groups.map((g) => ({ name: g.name, uuid: g.uuid })),
    );
    const groupIds = new Map(desired.groups.map((g, i) => [g.name, created.flatMap((c) => c.groupids)[i]!]));
    const hostResults = await admin.callInBatches<{ hostids: string[] }>(
      'host.create',
      desired.hosts.map((h) => ({
        host: h.host,
        groups: h.groups.map((name) => ({ groupid: groupIds.get(name)! })),
        interfaces: h.interfaces.map((i) => ({
          type: i.type,
          main: '1',
          useip: '1',
          ip: i.ip,
          dns: '',
          port: i.port,
          ...(i.details ? { details: i.details } : {}),
        })),
        tags: h.tags,
        inventory_mode: '0',
        inventory: h.inventory,
      })),
    );
    const floorSeconds = (performance.now() - floorStarted) / 1000;
    // The same dashboards, bare: what Zabbix's PHP takes to store their widgets.
    const boardsStarted = performance.now();
    const boardResults = await admin.callInBatches<{ dashboardids: string[] }>(
      'dashboard.create',
      boards.map((b) => ({ name: b.name, private: '0', pages: dashboardPages(b, 'ds-patterns-6.0') })),
    );
    const boardSeconds = (performance.now() - boardsStarted) / 1000;
    // Back to an empty Zabbix (not timed).
    await admin.call(
      'dashboard.delete',
      boardResults.flatMap((r) => r.dashboardids),
    );
    await admin.callInBatches(
      'host.delete',
      hostResults.flatMap((r) => r.hostids),
    );
    await admin.call('hostgroup.delete', [...groupIds.values()]);
    return { floorSeconds, boardSeconds };
  };
  /** Back to an empty Zabbix after a first sync (not timed). */
  const emptyZabbix = async () => {
    const hosts = await admin.call<Array<{ hostid: string }>>('host.get', { output: ['hostid'], tags: [{ tag: 'managed-by', value: 'pytin', operator: 1 }] });
    await admin.callInBatches(
      'host.delete',
      hosts.map((h) => h.hostid),
    );
    const made = await admin.call<Array<{ dashboardid: string }>>('dashboard.get', { output: ['dashboardid'], filter: { name: boards.map((b) => b.name) } });
    if (made.length)
      await admin.call(
        'dashboard.delete',
        made.map((d) => d.dashboardid),
      );
    const groups = await admin.call<Array<{ groupid: string }>>('hostgroup.get', { output: ['groupid'], filter: { name: desired.groups.map((g) => g.name) } });
    if (groups.length)
      await admin.call(
        'hostgroup.delete',
        groups.map((g) => g.groupid),
      );
  };
  // Floor and first sync alternate, ROUNDS times: on a shared machine the load moves between two
  // measurements, so each ratio is of one round and the medians are printed.
  const rounds: Array<{ floorSeconds: number; boardSeconds: number; first: Awaited<ReturnType<typeof publish>> }> = [];
  for (round = 0; round < ROUNDS; round++) {
    const floor = await floorRound();
    const synced = await publish();
    rounds.push({ ...floor, first: synced });
    if (round < ROUNDS - 1) await emptyZabbix();
  }
  round = ROUNDS - 1;
  await admin.close();
  const first = rounds[rounds.length - 1]!.first;
  const floorSeconds = median(rounds.map((r) => r.floorSeconds));
  const boardSeconds = median(rounds.map((r) => r.boardSeconds));
  const noOps = [];
  for (let i = 0; i < NO_OP_RUNS; i++) noOps.push(await publish());
  const server = [...generated.keys()].find((p) => readFileSync(join(repo.path, p), 'utf8').includes('serial: GEN0000001'))!;
  writeFileSync(join(repo.path, server), readFileSync(join(repo.path, server), 'utf8').replace('serial: GEN0000001', 'serial: GEN0000001-B'));
  git(repo.path, 'commit', '-qam', 'one serial');
  const one = await publish();

  const writes = (list: string[]) => list.filter((m) => isWrite(m)).length;
  const ms = (values: number[]) => `${median(values).toFixed(0)} ms`;
  console.log(
    `Zabbix ${zabbix.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, 'lab')} 6.0, ${desired.hosts.length} hosts, ${desired.groups.length} host groups, ${boards.length} dashboards (${widgets} graph widgets); load average ${loadavg()[0]!.toFixed(2)} at the start of the report`,
  );
  console.log(
    `first sync (open, read, plan, apply, read back, store): median ${median(rounds.map((r) => r.first.seconds)).toFixed(2)} s of ${ROUNDS} rounds (frontend ${median(rounds.map((r) => r.first.frontendSeconds)).toFixed(2)} s of it); ${first.calls.length} API calls (${writes(first.calls)} writes)`,
  );
  console.log(
    `floor (bare batched hostgroup.create + host.create, same objects, same run): median ${floorSeconds.toFixed(2)} s (${Math.ceil(desired.hosts.length / 100) + 1} calls)`,
  );
  console.log(
    `ratio first sync / floor, per round: ${rounds.map((r) => (r.first.seconds / r.floorSeconds).toFixed(2)).join(', ')}; median ${median(rounds.map((r) => r.first.seconds / r.floorSeconds)).toFixed(2)}x (goal <= 2x)`,
  );
  console.log(
    `the first sync also writes the ${boards.length} dashboards; bare batched dashboard.create of them, same run: median ${boardSeconds.toFixed(2)} s; ratio first sync / (floor + dashboards), per round: ${rounds.map((r) => (r.first.seconds / (r.floorSeconds + r.boardSeconds)).toFixed(2)).join(', ')}; median ${median(rounds.map((r) => r.first.seconds / (r.floorSeconds + r.boardSeconds))).toFixed(2)}x`,
  );
  console.log(
    `frontend's own cost of a call doing nothing, same run: apiinfo.version median ${ms(perCall.version)}, authenticated hostgroup.get limit 1 median ${ms(perCall.authenticated)}`,
  );
  // What no pytin could go below on this frontend: the first sync's own requests with pytin's time
  // taken out (its writes are the floor's plus the dashboards; its reads are before and after).
  console.log(
    `the first sync's frontend time alone (pytin's time taken out) / floor, per round: ${rounds.map((r) => (r.first.frontendSeconds / r.floorSeconds).toFixed(2)).join(', ')}; median ${median(rounds.map((r) => r.first.frontendSeconds / r.floorSeconds)).toFixed(2)}x; pytin's own share of the first sync: median ${median(rounds.map((r) => r.first.seconds - r.first.frontendSeconds)).toFixed(2)} s`,
  );
  console.log(`first sync, where the time goes (last round):\n${phaseText(first.phases)}`);
  console.log(
    `opening the session with the inventory cache (as publish does by default): median ${median(rounds.map((r) => r.first.phases[0]!.ms / 1000)).toFixed(2)} s; without it (--no-cache, a cold machine): median ${median(coldOpens).toFixed(2)} s of ${coldOpens.length}`,
  );
  console.log(`first sync timeline (last round): ${first.timeline}`);
  console.log(
    `no-op sync: median ${median(noOps.map((n) => n.seconds)).toFixed(2)} s of ${NO_OP_RUNS}, ${noOps[0]!.calls.length} API calls (${noOps[0]!.calls.join(', ')}), ${noOps[0]!.changes} changes (goal <= 6 calls, <= 2 s)`,
  );
  console.log(`no-op sync, where the time goes (first run):\n${phaseText(noOps[0]!.phases)}`);
  console.log(`one changed host: ${one.calls.length} API calls (${one.calls.join(', ')}), ${one.changes} change(s) (goal <= 8 calls)`);
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await dir.remove();
  await zabbix.stop();
}
