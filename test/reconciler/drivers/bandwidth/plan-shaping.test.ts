import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { JsonValue } from '../../../../inventory/core/json-value.js';
import { connectionSettingsOf } from '../../../../inventory/model/connection-settings.js';
import { validateInventory } from '../../../../inventory/validate/validate-inventory.js';
import { bandwidthDriver, planBandwidthHosts } from '../../../../reconciler/drivers/bandwidth/bandwidth-driver.js';
import { compileShaping, type ShapingSpec } from '../../../../reconciler/drivers/bandwidth/compile-shaping.js';
import { parseTcListing } from '../../../../reconciler/drivers/bandwidth/parse-tc.js';
import { planShaping } from '../../../../reconciler/drivers/bandwidth/plan-shaping.js';
import { readShaping } from '../../../../reconciler/drivers/bandwidth/read-shaping.js';
import { stateFromTrees } from '../../../../reconciler/drivers/bandwidth/shaping-state.js';
import type { TcFacts } from '../../../../reconciler/drivers/bandwidth/tc-facts.js';
import { labWith, snapshotOf } from '../../../support/lab-inventory.js';
import { RECORDED_SHAPING, recordedFacts, withClassRate, withoutStrayNode } from './fixtures/recorded-facts.js';

const HOST = 'shared-01';
const SEEN = '2026-11-27T08:00:00.000Z';
/** The recorded host as it was right after pytin applied it. */
const applied = () => withoutStrayNode(recordedFacts());
/** What the store would hold as the last apply's state: the recorded host's own state. */
const lastAppliedState = (): JsonValue =>
  stateFromTrees(
    ['shaped0'],
    readShaping(applied()).devices.map((d) => d.tree),
  );
const empty = (): TcFacts => ({ interfaces: ['shaped0', 'ifb-shaped0'].map((device) => ({ device, qdiscs: [], classes: [], filters: [] })) });
const withLimits = (limits: ShapingSpec['limits']): ShapingSpec => ({ interfaces: ['shaped0'], limits });
const raised = withLimits(RECORDED_SHAPING.limits.map((l) => (l.ip === '10.0.0.5' ? { ...l, bandwidth: { inbound: '20Mbit', outbound: '5Mbit' } } : l)));

type Case = {
  name: string;
  shaping: ShapingSpec;
  facts: TcFacts | null;
  lastApplied?: JsonValue;
  expect: { action: string | null; fields?: string[]; reason?: RegExp; drift?: string[]; codes?: string[]; after?: Record<string, JsonValue> };
};

const cases: Case[] = [
  {
    name: 'the host is as git says: nothing to do',
    shaping: RECORDED_SHAPING,
    facts: applied(),
    lastApplied: lastAppliedState(),
    expect: { action: null, drift: [] },
  },
  {
    name: "nothing of pytin's on the host yet: one create for the host",
    shaping: RECORDED_SHAPING,
    facts: empty(),
    expect: { action: 'create', after: { '10.0.0.5': { classid: '7079:56cd', inbound: '10Mbit', outbound: '5Mbit', burst: null } } },
  },
  {
    name: 'git raised one limit since the last apply: an update naming exactly that address',
    shaping: raised,
    facts: applied(),
    lastApplied: lastAppliedState(),
    expect: {
      action: 'update',
      fields: ['10.0.0.5'],
      reason: /^git changed since the last apply: 10\.0\.0\.5 \(shaped0: class 7079:56cd differs\)/,
      drift: [],
    },
  },
  {
    name: 'a rate changed by hand after the last apply: drift at the address, and an update restoring git',
    shaping: RECORDED_SHAPING,
    facts: withClassRate(applied(), 'ifb-shaped0', '7079:56cd', '50Mbit', 50_000_000),
    lastApplied: lastAppliedState(),
    expect: { action: 'update', fields: ['10.0.0.5'], reason: /^restores git's limits over 1 change\(s\) made by hand/, drift: ['shaping/shared-01/10.0.0.5'] },
  },
  {
    name: 'the same difference without a record of the last apply: an update that says it cannot tell why',
    shaping: RECORDED_SHAPING,
    facts: withClassRate(applied(), 'ifb-shaped0', '7079:56cd', '50Mbit', 50_000_000),
    expect: { action: 'update', fields: ['10.0.0.5'], reason: /no record of its last apply/, drift: [] },
  },
  {
    name: 'an address added in git: only that address is a changed field',
    shaping: withLimits([...RECORDED_SHAPING.limits, { ip: '10.0.0.77', bandwidth: { inbound: '1Mbit' } }]),
    facts: applied(),
    expect: { action: 'update', fields: ['10.0.0.77'] },
  },
  {
    name: "a burst removed from git: an update of that address (HTB's default burst again)",
    shaping: withLimits(RECORDED_SHAPING.limits.map((l) => (l.ip === '2001:db8::5' ? { ...l, bandwidth: { inbound: '20Mbit', outbound: '2Mbit' } } : l))),
    facts: applied(),
    lastApplied: lastAppliedState(),
    expect: { action: 'update', fields: ['2001:db8::5'], drift: [] },
  },
  { name: "every limit removed: a delete of the host's shaping", shaping: withLimits([]), facts: applied(), expect: { action: 'delete' } },
  { name: "no limits and nothing of pytin's observed: nothing", shaping: withLimits([]), facts: empty(), expect: { action: null } },
  {
    name: "a node added by hand to pytin's tables: an update that removes it",
    shaping: RECORDED_SHAPING,
    facts: recordedFacts(),
    expect: { action: 'update', fields: [], reason: /u32 node 704:9:1 in pytin's tables is not effective/ },
  },
  {
    name: 'tc not observed: nothing planned, said so',
    shaping: RECORDED_SHAPING,
    facts: null,
    expect: { action: null, codes: ['PLAN_TC_RATE_ROUNDED', 'PLAN_TC_NOT_OBSERVED'] },
  },
  {
    name: 'a root qdisc someone else made: nothing planned, an error',
    shaping: RECORDED_SHAPING,
    facts: {
      interfaces: [
        {
          device: 'shaped0',
          qdiscs: parseTcListing(
            'qdisc',
            '[{"kind":"htb","handle":"1:","root":true,"refcnt":2,"options":{"r2q":10,"default":"0x30","direct_packets_stat":0,"direct_qlen":1000}}]',
          ),
          classes: [],
          filters: [],
        },
      ],
    },
    expect: { action: null, codes: ['PLAN_TC_RATE_ROUNDED', 'PLAN_TC_FOREIGN_ROOT_QDISC'] },
  },
  {
    name: 'the ifb was not observed: planned as empty, and said so',
    shaping: RECORDED_SHAPING,
    facts: { interfaces: applied().interfaces.filter((i) => i.device === 'shaped0') },
    expect: { action: 'update', fields: ['10.0.0.5', '2001:db8::5'], codes: ['PLAN_TC_RATE_ROUNDED', 'PLAN_TC_DEVICE_NOT_OBSERVED'] },
  },
  {
    name: 'a peak in git: a warning in the plan and a note on the change',
    shaping: withLimits([{ ip: '10.0.0.9', bandwidth: { inbound: '10Mbit', inboundPeak: '50Mbit' } }]),
    facts: empty(),
    expect: { action: 'create', codes: ['PLAN_TC_PEAK_NOT_HONOURED'] },
  },
];

for (const c of cases) {
  test(`plan: ${c.name}`, () => {
    const observed = c.facts ? readShaping(c.facts) : null;
    const desired = compileShaping(HOST, c.shaping, observed);
    const plan = planShaping(desired, observed, { lastApplied: c.lastApplied ?? null, observedAt: SEEN });
    assert.deepEqual(
      plan.changes.map((ch) => ch.action),
      c.expect.action ? [c.expect.action] : [],
    );
    const change = plan.changes[0];
    if (change) {
      assert.deepEqual([change.address, change.driver, change.host], ['shaping/shared-01', 'tc', HOST]);
      if (c.expect.fields) assert.deepEqual(change.fields, c.expect.fields);
      if (c.expect.reason) assert.match(change.reason!, c.expect.reason);
      for (const [ip, entry] of Object.entries(c.expect.after ?? {})) assert.deepEqual((change.after as Record<string, JsonValue>)[ip], entry);
      if (change.action === 'create') assert.equal(change.before, null);
      if (change.action === 'delete') assert.equal(change.after, null);
      assert.equal(JSON.stringify(JSON.parse(JSON.stringify(change))), JSON.stringify(change), 'a change is plain JSON');
    }
    if (c.expect.drift) {
      assert.deepEqual(
        plan.drift.map((d) => d.address),
        c.expect.drift,
      );
      for (const d of plan.drift) assert.deepEqual([d.kind, d.evidence.source, d.evidence.seenAt], ['limit-changed-by-hand', 'ssh', SEEN]);
    }
    if (c.expect.codes)
      assert.deepEqual(
        plan.diagnostics.map((d) => d.code),
        c.expect.codes,
      );
  });
}

test('the drift message says what the host has and what pytin applied', () => {
  const observed = readShaping(withClassRate(applied(), 'ifb-shaped0', '7079:56cd', '50Mbit', 50_000_000));
  const plan = planShaping(compileShaping(HOST, RECORDED_SHAPING, observed), observed, { lastApplied: lastAppliedState(), observedAt: SEEN });
  assert.equal(
    plan.drift[0]!.message,
    '10.0.0.5 is inbound 10Mbit, outbound 50Mbit (class 7079:56cd) on shared-01, but pytin last applied inbound 10Mbit, outbound 5Mbit (class 7079:56cd)',
  );
  assert.deepEqual(plan.changes[0]!.notes, ['inbound 12345678bit of 10.0.1.0 is applied as 12345kbit: tc keeps no finer rate']);
});

test('the driver plans every host it is given, named tc and ordered after VMs', () => {
  const observed = readShaping(empty());
  const hosts = ['a', 'b'].map((h) => ({ desired: compileShaping(h, RECORDED_SHAPING, observed), observed }));
  const plan = planBandwidthHosts(hosts);
  assert.deepEqual(
    plan.changes.map((c) => c.address),
    ['shaping/a', 'shaping/b'],
  );
  assert.equal(bandwidthDriver.name, 'tc');
  assert.ok(bandwidthDriver.order > 20);
});

test("the driver plans the removal of a server's shaping section from its last applied state, and nothing without one", () => {
  const texts = labWith('servers/backup-01.yaml', /shaping:\n {2}interfaces: \[veth-guests\]\n {2}limits:\n.*\n/, '');
  const { state, diagnostics } = validateInventory(snapshotOf(texts));
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  // The probe of a server without shaping lists no device.
  const hosts = new Map([['backup-01', { facts: new Map([['tc', { value: { interfaces: [] } as TcFacts, observedAt: 1 }]]), lastRun: undefined }]]);
  const lastApplied = { interfaces: ['veth-guests'], '203.0.113.150': { classid: '7079:1abc', inbound: '10Mbit', outbound: '10Mbit', burst: null } };
  const input = (applied: Map<string, string>) => ({
    state,
    connections: connectionSettingsOf(state),
    files: new Map<string, string>(),
    facts: { hosts, devices: new Map(), sightings: new Map(), lastApplied: applied, fingerprint: 'x' },
    now: 0,
  });
  const plan = bandwidthDriver.plan(input(new Map([['shaping/backup-01', JSON.stringify(lastApplied)]])));
  assert.deepEqual(
    plan.changes.map((c) => `${c.action} ${c.address}`),
    ['delete shaping/backup-01'],
  );
  assert.deepEqual(plan.changes[0]!.before, { interfaces: ['veth-guests'] });
  assert.match(plan.changes[0]!.reason!, /veth-guests: no longer shaped in git; pytin's tc objects on veth-guests and ifb-veth-guests are removed/);
  assert.deepEqual(bandwidthDriver.plan(input(new Map())).changes, []);
});
