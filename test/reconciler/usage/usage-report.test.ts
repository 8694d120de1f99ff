import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { Ajv } from 'ajv';

import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { insertRows } from '../../../reconciler/store/bulk-insert.js';
import { insertRun } from '../../../reconciler/store/facts/observation-runs.js';
import { openStore, type Store } from '../../../reconciler/store/open-store.js';
import { usageAttribution } from '../../../reconciler/usage/usage-attribution.js';
import { validateUsageQuery } from '../../../reconciler/usage/usage-query.js';
import { usageReport, type UsageRow } from '../../../reconciler/usage/usage-report.js';
import { readSchemaFile } from '../../../schemas/schema-registry.js';
import { makeTempDir } from '../../lab/daemon.js';
import { labWith, snapshotOf } from '../../support/lab-inventory.js';
import { type RawSample, referenceUsage } from './reference-usage.js';

const FROM = Date.UTC(2026, 10, 1) / 1000;
const TO = FROM + 288 * 300;

/** The lab with hv-01 dedicated to acme and backup-01 to globex (labels.tenant). */
function labState() {
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
function daySamples(bytesPerSecond: (k: number) => number, restartAt: number): RawSample[] {
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

async function storeWith(dir: string, ports: Array<{ device: string; ifIndex: number; name: string; samples: RawSample[] }>): Promise<Store> {
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

function assertRowMatches(row: UsageRow | undefined, interfaces: RawSample[][]): void {
  assert.ok(row);
  const expected = referenceUsage(interfaces, FROM, TO);
  assert.equal(row.ratedBuckets, expected.ratedBuckets);
  assert.equal(row.bucketsInPeriod, 288);
  assert.ok(Math.abs(row.bytesIn - expected.bytesIn) <= 1, `bytes in ${row.bytesIn} != ${expected.bytesIn}`);
  for (const [actual, wanted] of [
    [row.p95InBitsPerSecond, expected.p95In],
    [row.p95OutBitsPerSecond, expected.p95Out],
    [row.p95MaxBitsPerSecond, expected.p95Max],
    [row.coverage, expected.coverage],
  ] as const) {
    assert.ok(wanted !== null && actual !== null && Math.abs(actual - wanted) <= Math.abs(wanted) * 1e-9, `${actual} != ${wanted}`);
  }
}

const validateAnswer = new Ajv({ strict: true, allErrors: true }).compile(readSchemaFile('usage-report.schema.json'));

describe('usageReport over a real store', () => {
  test('per server port, per tenant (the sum of its ports) and for all tenants, as the reference computes them', async (t) => {
    const dir = await makeTempDir('pytin-usage-');
    t.after(() => dir.remove());
    // hv-01/eno1 (acme) on sw-r01 Gi1/0/1; hv-02/eno1 (no tenant) on sw-r02 port 17;
    // backup-01/eno1 (globex) on sw-r02 port 18.
    const hv01 = daySamples((k) => (k % 12) * 1_000_000, 100);
    const hv02 = daySamples((k) => 5_000_000 + (k % 7) * 10_000, 200);
    const backup = daySamples((k) => (k % 5) * 3_000_000, 50);
    const store = await storeWith(dir.path, [
      { device: 'sw-r01', ifIndex: 10101, name: 'Gi1/0/1', samples: hv01 },
      { device: 'sw-r02', ifIndex: 17, name: '17', samples: hv02 },
      { device: 'sw-r02', ifIndex: 18, name: '18', samples: backup },
    ]);
    t.after(() => store.close());
    const attribution = usageAttribution(labState());
    const ask = async (raw: Record<string, string>) => {
      const checked = validateUsageQuery({ from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', ...raw });
      assert.ok('query' in checked, JSON.stringify(checked));
      const answer = await usageReport(store, checked.query, attribution);
      assert.ok('report' in answer, JSON.stringify(answer));
      assert.ok(validateAnswer(answer.report), JSON.stringify(validateAnswer.errors));
      return answer.report;
    };

    const ports = await ask({ scope: 'server-ports' });
    assert.equal(ports.from, '2026-11-01T00:00:00.000Z');
    assert.deepEqual(ports.rows.map((r) => [r.subject, r.counters, r.tenant]).sort(), [
      ['server/backup-01/eno1', 'switch/sw-r02/18', 'globex'],
      ['server/hv-01/eno1', 'switch/sw-r01/Gi1/0/1', 'acme'],
      ['server/hv-02/eno1', 'switch/sw-r02/17', null],
    ]);
    assertRowMatches(
      ports.rows.find((r) => r.subject === 'server/hv-01/eno1'),
      [hv01],
    );
    assertRowMatches(
      ports.rows.find((r) => r.subject === 'server/hv-02/eno1'),
      [hv02],
    );

    const acme = await ask({ scope: 'tenant', tenant: 'acme' });
    assert.equal(acme.rows.length, 1);
    assertRowMatches(acme.rows[0], [hv01]);
    // acme's VM interfaces are members without counters: listed, adding nothing.
    assert.ok(acme.rows[0]!.members!.includes('server/hv-01/eno1'));
    assert.ok(acme.rows[0]!.members!.some((m) => m.startsWith('vm/')));

    const all = await ask({ scope: 'tenants' });
    assert.deepEqual(all.rows.map((r) => r.subject).sort(), ['tenant/acme', 'tenant/globex']);
    assertRowMatches(
      all.rows.find((r) => r.subject === 'tenant/globex'),
      [backup],
    );

    const vms = await ask({ scope: 'vm-interfaces' });
    assert.ok(vms.rows.length > 0);
    for (const row of vms.rows) {
      assert.equal(row.counters, null);
      assert.equal(row.coverage, 0);
      assert.equal(row.p95InBitsPerSecond, null);
    }

    const unknown = await usageReport(store, { from: FROM * 1000, to: TO * 1000, scope: { kind: 'tenant', tenant: 'initech' } }, attribution);
    assert.ok('failed' in unknown);
    assert.equal(unknown.failed[0]!.code, 'USAGE_SUBJECT_UNKNOWN');
  });
});

describe('validateUsageQuery', () => {
  test('a month is its UTC calendar month (leap years included)', () => {
    for (const [period, days] of [
      ['2026-11', 30],
      ['2028-02', 29],
      ['2026-02', 28],
      ['2026-12', 31],
    ] as const) {
      const checked = validateUsageQuery({ period });
      assert.ok('query' in checked);
      assert.equal(new Date(checked.query.from).toISOString().slice(0, 7), period);
      assert.equal((checked.query.to - checked.query.from) / 86_400_000, days);
      assert.deepEqual(checked.query.scope, { kind: 'tenants' });
    }
  });

  test('every mistake is reported with its code, all at once, and nothing throws', () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{}, ['USAGE_QUERY_RANGE_INVALID']],
      [{ period: '2026-13' }, ['USAGE_QUERY_PERIOD_INVALID']],
      [{ period: '2026-11', from: '2026-11-01T00:00:00Z' }, ['USAGE_QUERY_RANGE_INVALID']],
      [{ from: '2026-11-01T00:00:00Z', to: '2026-11-01T00:07:00Z' }, ['USAGE_QUERY_TIME_INVALID']],
      [{ from: '2026-11-01T00:00:00+03:00', to: '2026-11-02T00:00:00Z' }, ['USAGE_QUERY_TIME_INVALID']],
      [{ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, ['USAGE_QUERY_RANGE_INVALID']],
      [{ from: '2025-01-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }, ['USAGE_QUERY_RANGE_INVALID']],
      [{ period: '2026-11', tenant: "acme' OR 1=1 --" }, ['USAGE_QUERY_SCOPE_INVALID']],
      [{ period: '2026-11', scope: 'tenant' }, ['USAGE_QUERY_SCOPE_INVALID']],
      [{ period: '2026-11', scope: 'everything' }, ['USAGE_QUERY_SCOPE_INVALID']],
      [{ period: '2026-11', scope: 'tenants', vm: 'web-01' }, ['USAGE_QUERY_SCOPE_INVALID']],
      [{ period: '2026-11', tenant: ['acme', 'globex'] }, ['USAGE_QUERY_UNKNOWN_PARAMETER']],
      [{ period: 'x'.repeat(100_000) }, ['USAGE_QUERY_UNKNOWN_PARAMETER', 'USAGE_QUERY_RANGE_INVALID']],
      [{ period: '2026-11', where: '1=1' }, ['USAGE_QUERY_UNKNOWN_PARAMETER']],
      [{ period: '2026-11', __proto__: 'x' }, []],
    ];
    for (const [raw, codes] of cases) {
      const checked = validateUsageQuery(raw);
      if (codes.length === 0) {
        assert.ok('query' in checked, JSON.stringify(raw));
        continue;
      }
      assert.ok('failed' in checked, JSON.stringify(raw).slice(0, 200));
      assert.deepEqual(
        checked.failed.map((d) => d.code),
        codes,
        JSON.stringify(raw).slice(0, 200),
      );
      for (const d of checked.failed) assert.ok(d.summary.length < 400, 'messages stay short whatever the input');
    }
  });

  test('the unknown-parameter message names the allowed ones, and the caller may reserve its own', () => {
    const checked = validateUsageQuery({ period: '2026-11', rev: 'abc', limit: '5' }, ['rev']);
    assert.ok('failed' in checked);
    assert.equal(checked.failed.length, 1);
    assert.match(checked.failed[0]!.summary, /"limit"; allowed: period, from, to, scope, tenant, vm, server, rev/);
  });
});
