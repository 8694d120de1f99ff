// npm run bench:zabbix — publishing a generated inventory of about 500 hosts to the lab's real
// Zabbix 6.0, against the floor measured in the same run: the same host objects created with bare
// batched host.create calls (100 a call) and nothing else (no read, no plan, no store). Also the
// no-op sync (API calls and time) and one changed host (API calls). No templates are linked, so
// both sides measure the same writes rather than Zabbix's template copying.
import { readFileSync, writeFileSync } from 'node:fs';
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
import { median } from './measure.js';

const NO_OP_RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
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
  /** When each call was made (ms since the publish started): where a sync's time goes. */
  const callTimes: number[] = [];
  let publishStarted = 0;
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
      zabbixClient: {
        onCall: (m) => {
          calls.push(m);
          callTimes.push(performance.now() - publishStarted);
        },
      },
    });
    if ('failed' in opened) throw new Error(JSON.stringify(opened.failed));
    return opened.session;
  };
  /** One `pytin publish zabbix`, in process: read, plan, apply. Returns seconds, calls, changes. */
  const publish = async () => {
    calls.length = 0;
    callTimes.length = 0;
    const started = performance.now();
    publishStarted = started;
    const session = await open();
    try {
      await session.observe(new Set([zabbixSubject('bench')]));
      const report = await applyInSession(session, {
        refresh: false,
        safety: { allowDestroy: [], massDestroyPercent: 100, allowMassDestroy: true },
        parallelism: 1,
        lockTimeoutSeconds: 0,
        holder: { name: 'bench', host: 'bench', pid: process.pid },
      });
      if (!report.applied || !report.ok)
        throw new Error(`publish failed: ${JSON.stringify(report.applied ? report.outcomes.find((o) => !o.outcome.ok) : report.diagnostics)}`);
      const isWrite = (m: string) => /\.(create|update|delete)$/.test(m);
      const firstWrite = calls.findIndex(isWrite);
      const lastWrite = calls.length - 1 - [...calls].reverse().findIndex(isWrite);
      const seconds = (performance.now() - started) / 1000;
      const phases =
        firstWrite < 0
          ? ''
          : ` [open+read+plan ${(callTimes[firstWrite]! / 1000).toFixed(2)} s, writes ${((callTimes[lastWrite + 1] ?? seconds * 1000) / 1000 - callTimes[firstWrite]! / 1000).toFixed(2)} s, re-read+record ${(seconds - (callTimes[lastWrite + 1] ?? seconds * 1000) / 1000).toFixed(2)} s]`;
      // Where the time goes: each call's start, and the gap to the next event (its answer plus any
      // work pytin did before the next call).
      const marks = [...callTimes, seconds * 1000];
      const timeline = calls.map((m, i) => `${m} ${((marks[i + 1]! - marks[i]!) / 1000).toFixed(2)}`).join(', ');
      const timelineText = `before the first call ${(marks[0]! / 1000).toFixed(2)} s; then ${timeline} s`;
      return { seconds, calls: [...calls], changes: report.plan.changes.length, phases, timeline: timelineText };
    } finally {
      await session.close();
    }
  };

  // The floor: the same groups and hosts, created by bare batched calls.
  const probe = await open();
  const settings = zabbixConnectionOf(probe.connections)!.spec;
  const desired = desiredZabbix(probe.state, settings);
  const boards = desiredDashboards(probe.state, settings.hostGroup, new Set(desired.hosts.map((h) => h.host)));
  await probe.close();
  const admin = await ZabbixClient.connect({ url: zabbix.url, credentials: { username: 'Admin', password: new Secret('zabbix') } });
  const widgets = boards.reduce((n, b) => n + b.pages.flat().length, 0);
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

  const writes = (list: string[]) => list.filter((m) => /\.(create|update|delete)$/.test(m)).length;
  console.log(`Zabbix ${zabbix.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, 'lab')} 6.0, ${desired.hosts.length} hosts, ${desired.groups.length} host groups`);
  console.log(
    `first sync (read, plan, apply, store): median ${median(rounds.map((r) => r.first.seconds)).toFixed(2)} s of ${ROUNDS} rounds; last round ${first.seconds.toFixed(2)} s, ${first.calls.length} API calls (${writes(first.calls)} writes)${first.phases}`,
  );
  console.log(`floor (bare batched hostgroup.create + host.create, same objects, same run): median ${floorSeconds.toFixed(2)} s`);
  console.log(
    `ratio first sync / floor, per round: ${rounds.map((r) => (r.first.seconds / r.floorSeconds).toFixed(2)).join(', ')}; median ${median(rounds.map((r) => r.first.seconds / r.floorSeconds)).toFixed(2)}x (goal <= 2x)`,
  );
  console.log(
    `the first sync also writes ${boards.length} dashboards (${widgets} graph widgets); bare batched dashboard.create of them, same run: median ${boardSeconds.toFixed(2)} s; ratio first sync / (floor + dashboards), median of the rounds: ${median(rounds.map((r) => r.first.seconds / (r.floorSeconds + r.boardSeconds))).toFixed(2)}x`,
  );
  console.log(
    `no-op sync: median ${median(noOps.map((n) => n.seconds)).toFixed(2)} s of ${NO_OP_RUNS}, ${noOps[0]!.calls.length} API calls (${noOps[0]!.calls.join(', ')}), ${noOps[0]!.changes} changes (goal <= 6 calls, <= 2 s)`,
  );
  console.log(`no-op sync timeline (first run): ${noOps[0]!.timeline}`);
  console.log(`first sync timeline: ${first.timeline}`);
  console.log(`one changed host: ${one.calls.length} API calls (${one.calls.join(', ')}), ${one.changes} change(s) (goal <= 8 calls)`);
} finally {
  await dir.remove();
  await zabbix.stop();
}
