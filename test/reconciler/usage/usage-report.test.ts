import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Ajv } from 'ajv';

import { usageAttribution } from '../../../reconciler/usage/usage-attribution.js';
import { validateUsageQuery } from '../../../reconciler/usage/usage-query.js';
import { usageReport } from '../../../reconciler/usage/usage-report.js';
import { readSchemaFile } from '../../../schemas/schema-registry.js';
import { makeTempDir } from '../../lab/daemon.js';
import { assertRowMatches, daySamples, labState, storeWith, USAGE_DAY } from './usage-fixtures.js';

const { FROM, TO } = USAGE_DAY;

const validateAnswer = new Ajv({ strict: true, allErrors: true }).compile(readSchemaFile('usage-report.schema.json'));

describe('usageReport over a real store', () => {
  test('per server port, per tenant (the sum of its ports) and for all tenants, as the reference computes them', async (t) => {
    const dir = await makeTempDir('pytin-usage-');
    t.after(() => dir.remove());
    // hv-01/eno1 (acme) on sw-r01 Gi1/0/1; hv-02/eno1 (no tenant) on sw-r02 port 17;
    // backup-01/eno1 (globex) on sw-r02 port 18; acme's dedicated server ded-01/eno1 (its `tenant`)
    // on sw-r01 Gi1/0/5.
    const hv01 = daySamples((k) => (k % 12) * 1_000_000, 100);
    const ded01 = daySamples((k) => 2_000_000 + (k % 3) * 100_000, 120);
    const hv02 = daySamples((k) => 5_000_000 + (k % 7) * 10_000, 200);
    const backup = daySamples((k) => (k % 5) * 3_000_000, 50);
    const store = await storeWith(dir.path, [
      { device: 'sw-r01', ifIndex: 10101, name: 'Gi1/0/1', samples: hv01 },
      { device: 'sw-r01', ifIndex: 10105, name: 'Gi1/0/5', samples: ded01 },
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
      ['server/ded-01/eno1', 'switch/sw-r01/Gi1/0/5', 'acme'],
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
    assertRowMatches(acme.rows[0], [hv01, ded01]);
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
