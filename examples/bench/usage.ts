// npm run bench:usage — usageReport over a month of 5-minute counter samples of 2,000 switch
// ports (100 tenants of 20 ports), in a real SQLite store:
//   1. raw: every sample still in counter_samples (as before any maintenance);
//   2. bucketed: after maintainUsage (what observe does after each walk) packed the month into
//      one row per port and day, and pruned the raw samples.
// For one tenant (the goal: p99 <= 200 ms, bucketed) and for all tenants, each next to the floor
// measured in the same run: a bare SQL read of the same rows with no computation. Then the store's
// size, and the size of a year at the default retention (100 days of 5-minute buckets, the rest
// hourly) measured by writing it.
// BENCH_INTERFACES, BENCH_DAYS, BENCH_QUERIES override the sizes (for a quick try); BENCH_SKIP_YEAR=1
// leaves out the year.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { insertRows } from '../../reconciler/store/bulk-insert.js';
import { insertRun } from '../../reconciler/store/facts/observation-runs.js';
import { openStore, type Store } from '../../reconciler/store/open-store.js';
import { writeUsageDay } from '../../reconciler/store/usage/usage-days.js';
import { DEFAULT_USAGE_RETENTION, maintainUsage } from '../../reconciler/usage/maintain-usage.js';
import type { UsageAttribution, UsageMember } from '../../reconciler/usage/usage-attribution.js';
import type { UsageQuery } from '../../reconciler/usage/usage-query.js';
import { usageReport } from '../../reconciler/usage/usage-report.js';
import { seededRandom } from '../generator/prng.js';
import { median } from './measure.js';

const INTERFACES = Number(process.env.BENCH_INTERFACES ?? 2000);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const PER_TENANT = 20;
const PORTS_PER_SWITCH = 48;
const BUCKET = 300_000;
const DAY = 86_400_000;
const FROM = Date.UTC(2026, 9, 1);
const TO = FROM + DAYS * DAY;

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.99) - 1)]!;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const fileSize = (path: string) => statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);

const ports = Array.from({ length: INTERFACES }, (_, i) => ({
  device: `sw-${String(Math.floor(i / PORTS_PER_SWITCH)).padStart(3, '0')}`,
  ifIndex: (i % PORTS_PER_SWITCH) + 1,
  port: `ge-0/0/${i % PORTS_PER_SWITCH}`,
  tenant: `tenant-${String(Math.floor(i / PER_TENANT)).padStart(3, '0')}`,
}));
const tenants = [...new Set(ports.map((p) => p.tenant))];
const members: UsageMember[] = ports.map((p, i) => ({
  subject: `server/srv-${i}/eth0`,
  kind: 'server-port',
  owner: `srv-${i}`,
  tenant: p.tenant,
  counters: { device: p.device, port: p.port },
}));
const attribution: UsageAttribution = { tenants, vms: [], servers: members.map((m) => m.owner), members };

async function fill(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    for (const device of new Set(ports.map((p) => p.device))) {
      const runId = await insertRun(tx, { source: 'snmp', subject: device, startedAt: 0, finishedAt: 0, status: 'succeeded' });
      const mine = ports.filter((p) => p.device === device);
      await insertRows(
        tx,
        'device_interfaces',
        ['device', 'if_index', 'if_name', 'speed_mbps', 'run_id'],
        mine.map((p) => [device, p.ifIndex, p.port, 10_000, runId]),
      );
    }
  });
  // A sample 7 s after every boundary; a diurnal rate with noise, and an agent restart a week in.
  const samplesPerPort = (DAYS * DAY) / BUCKET + 1;
  for (let first = 0; first < ports.length; first += 50) {
    await store.transaction(async (tx) => {
      for (const p of ports.slice(first, first + 50)) {
        const random = seededRandom(p.ifIndex * 7919 + p.device.length);
        let inOctets = 10n ** 12n;
        let outOctets = 10n ** 11n;
        let uptime = 1_000_000;
        const rows: Array<[string, number, number, number, number, string, string]> = [];
        for (let k = 0; k < samplesPerPort; k++) {
          const at = FROM + k * BUCKET + 7000;
          const hour = (at / 3_600_000) % 24;
          const rate = 2e6 * (1.2 + Math.sin((hour / 24) * 2 * Math.PI)) * (0.5 + random());
          inOctets += BigInt(Math.round(rate * 300));
          outOctets += BigInt(Math.round(rate * 90));
          uptime += 30_000;
          if (k === 2016) uptime = 500;
          rows.push([p.device, p.ifIndex, at, uptime, 64, inOctets.toString(), outOctets.toString()]);
        }
        await insertRows(tx, 'counter_samples', ['device', 'if_index', 'sampled_at', 'sys_uptime_cs', 'counter_bits', 'in_octets', 'out_octets'], rows);
      }
    });
  }
}

interface Timing {
  median: number;
  p99: number;
}

async function time(queries: number, body: (i: number) => Promise<void>): Promise<Timing> {
  const times: number[] = [];
  for (let i = 0; i < queries; i++) {
    const start = process.hrtime.bigint();
    await body(i);
    times.push(ms(start));
  }
  return { median: median(times), p99: p99(times) };
}

const query = (scope: UsageQuery['scope']): UsageQuery => ({ from: FROM, to: TO, scope });
async function report(store: Store, q: UsageQuery): Promise<void> {
  const answer = await usageReport(store, q, attribution);
  if (!('report' in answer) || answer.report.rows.some((r) => r.kind === 'tenant' && r.ratedBuckets === 0)) throw new Error('the bench store answered nothing');
}

/** The floor: the same rows read with no computation. */
async function bareRaw(store: Store, tenant: string): Promise<void> {
  for (const p of ports.filter((x) => x.tenant === tenant)) {
    await store.all(
      'SELECT sampled_at, sys_uptime_cs, counter_bits, in_octets, out_octets FROM counter_samples WHERE device = ? AND if_index = ? AND sampled_at BETWEEN ? AND ?',
      [p.device, p.ifIndex, FROM - 900_000, TO + 900_000],
    );
  }
}
async function bareDays(store: Store, tenant: string): Promise<void> {
  for (const p of ports.filter((x) => x.tenant === tenant)) {
    await store.all('SELECT day, resolution_s, data FROM usage_days WHERE device = ? AND if_index = ? AND day >= ? AND day < ?', [
      p.device,
      p.ifIndex,
      FROM,
      TO,
    ]);
  }
}

const line = (what: string, t: Timing, floor: Timing) =>
  `${what.padEnd(44)} median ${t.median.toFixed(1).padStart(7)} ms  p99 ${t.p99.toFixed(1).padStart(7)} ms   | bare SQL of the same rows: median ${floor.median
    .toFixed(1)
    .padStart(7)} ms  p99 ${floor.p99.toFixed(1).padStart(7)} ms  (x${(t.median / floor.median).toFixed(2)})\n`;

const dir = mkdtempSync(join(tmpdir(), 'pytin-bench-usage-'));
try {
  const path = join(dir, 'store.sqlite');
  const store = await openStore(path);
  let start = process.hrtime.bigint();
  await fill(store);
  const rawSize = fileSize(path);
  process.stdout.write(
    `${INTERFACES} ports x ${DAYS} days of 5-minute samples (${((INTERFACES * DAYS * DAY) / BUCKET / 1e6).toFixed(1)} M rows) written in ${(ms(start) / 1000).toFixed(0)} s; store ${mb(rawSize)}\n`,
  );
  const one = (i: number) => query({ kind: 'tenant', tenant: tenants[i % tenants.length]! });
  const rawQueries = Math.max(5, Math.floor(QUERIES / 20));
  process.stdout.write(
    line(
      `raw samples: one tenant (${PER_TENANT} ports), ${rawQueries}x`,
      await time(rawQueries, (i) => report(store, one(i))),
      await time(rawQueries, (i) => bareRaw(store, tenants[i % tenants.length]!)),
    ),
  );

  start = process.hrtime.bigint();
  const maintenance = await maintainUsage(store, { ...DEFAULT_USAGE_RETENTION, rawSampleDays: 1 }, TO + 2 * DAY);
  await store.exec('VACUUM; PRAGMA wal_checkpoint(TRUNCATE)');
  process.stdout.write(
    `maintenance (bucket ${maintenance.seriesBucketed} series, prune ${(maintenance.samplesPruned / 1e6).toFixed(1)} M samples) + VACUUM: ${(ms(start) / 1000).toFixed(0)} s; store ${mb(fileSize(path))} (was ${mb(rawSize)})\n`,
  );
  // Warm the page cache the same way for both.
  await report(store, one(0));
  await bareDays(store, tenants[0]!);
  process.stdout.write(
    line(
      `bucketed: one tenant (${PER_TENANT} ports), ${QUERIES}x`,
      await time(QUERIES, (i) => report(store, one(i))),
      await time(QUERIES, (i) => bareDays(store, tenants[i % tenants.length]!)),
    ),
  );
  const allRuns = 3;
  process.stdout.write(
    line(
      `bucketed: all ${tenants.length} tenants, ${allRuns}x`,
      await time(allRuns, () => report(store, query({ kind: 'tenants' }))),
      await time(allRuns, async () => {
        for (const t of tenants) await bareDays(store, t);
      }),
    ),
  );
  // Steady state: five minutes later every port has one new sample; the maintenance observe runs
  // after each walk buckets it.
  await store.transaction(async (tx) => {
    const last = await tx.all<{ device: string; if_index: number; sampled_at: number; sys_uptime_cs: number; in_octets: string; out_octets: string }>(
      'SELECT device, if_index, max(sampled_at) AS sampled_at, sys_uptime_cs, in_octets, out_octets FROM counter_samples GROUP BY device, if_index',
    );
    await insertRows(
      tx,
      'counter_samples',
      ['device', 'if_index', 'sampled_at', 'sys_uptime_cs', 'counter_bits', 'in_octets', 'out_octets'],
      last.map((r) => [r.device, r.if_index, r.sampled_at + BUCKET, r.sys_uptime_cs + 30_000, 64, (BigInt(r.in_octets) + 10n ** 8n).toString(), r.out_octets]),
    );
  });
  start = process.hrtime.bigint();
  const steady = await maintainUsage(store, DEFAULT_USAGE_RETENTION, TO + 2 * DAY + BUCKET);
  process.stdout.write(`maintenance after one more walk of every port (${steady.seriesBucketed} series): ${ms(start).toFixed(0)} ms\n`);
  await store.close();

  // A year at the default retention: 100 days of 5-minute days and 265 hourly days per port.
  if (process.env.BENCH_SKIP_YEAR !== '1') {
    const yearPath = join(dir, 'year.sqlite');
    const year = await openStore(yearPath);
    start = process.hrtime.bigint();
    const buckets = Array.from({ length: 288 }, (_, k) => ({ inOctets: 1e8 + k, outOctets: 3e7 + k, coveredMs: 300_000, samples: 1 }));
    const hours = Array.from({ length: 24 }, (_, h) => ({
      inOctets: 1.2e9 + h,
      outOctets: 3.6e8,
      coveredMs: 3_600_000,
      samples: 12,
      peakInBitsPerSecond: 4e6,
      peakOutBitsPerSecond: 1e6,
      peakMaxBitsPerSecond: 4e6,
    }));
    for (let first = 0; first < ports.length; first += 100) {
      await year.transaction(async (tx) => {
        for (const p of ports.slice(first, first + 100)) {
          for (let d = 0; d < 365; d++) {
            const usage = d < 265 ? { resolution: 'hourly' as const, hours } : { resolution: 'five-minutes' as const, buckets };
            await writeUsageDay(tx, p.device, p.ifIndex, FROM + d * DAY, usage);
          }
        }
      });
    }
    await year.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    process.stdout.write(
      `a year at the default retention (${DEFAULT_USAGE_RETENTION.fiveMinuteDays} days 5-minute, the rest hourly), ${INTERFACES} ports: ${mb(fileSize(yearPath))}, written in ${(ms(start) / 1000).toFixed(0)} s (${((fileSize(yearPath) / INTERFACES / 365) * 1).toFixed(0)} bytes per port-day)\n`,
    );
    await year.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
