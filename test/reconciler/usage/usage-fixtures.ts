import assert from 'node:assert/strict';
import { join } from 'node:path';

import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { insertRows } from '../../../reconciler/store/bulk-insert.js';
import { insertRun } from '../../../reconciler/store/facts/observation-runs.js';
import { openStore, type Store } from '../../../reconciler/store/open-store.js';
import type { UsageRow } from '../../../reconciler/usage/usage-report.js';
import { labWith, snapshotOf } from '../../support/lab-inventory.js';
import { type RawSample, referenceUsage } from './reference-usage.js';

/** The day the usage fixtures sample: 2026-11-01 UTC, in seconds. */
export const USAGE_DAY = { FROM: Date.UTC(2026, 10, 1) / 1000, TO: Date.UTC(2026, 10, 2) / 1000 };
const FROM = USAGE_DAY.FROM;

/** The lab with hv-01 dedicated to acme and backup-01 to globex (labels.tenant). */
export function labState() {
  const texts = labWith('servers/hypervisors.yaml', 'name: hv-01\n', 'name: hv-01\nlabels: {tenant: acme}\n');
  texts.set('servers/backup-01.yaml', texts.get('servers/backup-01.yaml')!.replace('name: backup-01\n', 'name: backup-01\nlabels: {tenant: globex}\n'));
  const { state, diagnostics } = validateInventory(snapshotOf(texts));
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return state;
}

/** A day of samples every 5 minutes, 9 s after each boundary, with a counter reset and an
 * agent restart. */
export function daySamples(bytesPerSecond: (k: number) => number, restartAt: number): RawSample[] {
  const out: RawSample[] = [];
  let octets = 7n * 10n ** 15n;
  let uptime = 1_000_000;
  for (let k = 0; k < 292; k++) {
    const second = FROM - 300 + 9 + k * 300;
    if (k > 0) {
      octets += BigInt(bytesPerSecond(k) * 300);
      uptime += 30_000;
    }
    if (k === restartAt) {
      uptime = 2_000;
      octets = BigInt(bytesPerSecond(k) * 20);
    }
    out.push({ second, uptimeCs: uptime, inOctets: octets, outOctets: octets / 3n });
  }
  return out;
}

export async function storeWith(dir: string, ports: Array<{ device: string; ifIndex: number; name: string; samples: RawSample[] }>): Promise<Store> {
  const store = await openStore(join(dir, 'store.sqlite'));
  await store.transaction(async (tx) => {
    for (const device of new Set(ports.map((p) => p.device))) {
      const runId = await insertRun(tx, { source: 'snmp', subject: device, startedAt: 0, finishedAt: 1, status: 'succeeded' });
      // A second interface whose ifDescr is the same text: ifName wins.
      const mine = ports.filter((p) => p.device === device);
      await insertRows(
        tx,
        'device_interfaces',
        ['device', 'if_index', 'if_name', 'if_descr', 'speed_mbps', 'run_id'],
        [...mine.map((p) => [device, p.ifIndex, p.name, `GigabitEthernet ${p.ifIndex}`, 1000, runId]), [device, 9999, 'other', mine[0]!.name, 1000, runId]],
      );
    }
    for (const p of ports) {
      await insertRows(
        tx,
        'counter_samples',
        ['device', 'if_index', 'sampled_at', 'sys_uptime_cs', 'counter_bits', 'in_octets', 'out_octets'],
        p.samples.map((s) => [p.device, p.ifIndex, s.second * 1000, s.uptimeCs, 64, s.inOctets.toString(), s.outOctets.toString()]),
      );
    }
  });
  return store;
}

/** A report row against the reference computed from the raw samples (relative tolerance: the
 * stored buckets are float32). */
export function assertRowMatches(row: UsageRow | undefined, interfaces: RawSample[][], tolerance = 1e-9): void {
  assert.ok(row);
  const expected = referenceUsage(interfaces, USAGE_DAY.FROM, USAGE_DAY.TO);
  assert.equal(row.ratedBuckets, expected.ratedBuckets);
  assert.equal(row.bucketsInPeriod, 288);
  assert.ok(Math.abs(row.bytesIn - expected.bytesIn) <= Math.max(1, expected.bytesIn * tolerance), `bytes in ${row.bytesIn} != ${expected.bytesIn}`);
  for (const [actual, wanted] of [
    [row.p95InBitsPerSecond, expected.p95In],
    [row.p95OutBitsPerSecond, expected.p95Out],
    [row.p95MaxBitsPerSecond, expected.p95Max],
    [row.coverage, expected.coverage],
  ] as const) {
    assert.ok(wanted !== null && actual !== null && Math.abs(actual - wanted) <= Math.abs(wanted) * tolerance, `${actual} != ${wanted}`);
  }
}
