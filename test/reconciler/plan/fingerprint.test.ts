import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { BackupsFacts } from '../../../reconciler/drivers/backup-policy/backup-facts.js';
import { BACKUP_FACTS_KEY } from '../../../reconciler/drivers/backup-policy/observe-backups.js';
import { TC_FACTS_KEY } from '../../../reconciler/drivers/bandwidth/observe-tc.js';
import type { TcFacts } from '../../../reconciler/drivers/bandwidth/tc-facts.js';
import { KVM_FACTS_KEY } from '../../../reconciler/drivers/kvm/observe-domains.js';
import { DRIVERS } from '../../../reconciler/drivers/registry.js';
import { fingerprintOf } from '../../../reconciler/plan/fingerprint.js';
import type { FactView, HostFactsView } from '../../../reconciler/plan/observed-facts.js';
import { factsToJson } from '../../../reconciler/store/facts/device-facts.js';
import { recordedFacts, withClassRate } from '../drivers/bandwidth/fixtures/recorded-facts.js';

// fingerprintOf with the real driver registry: what makes a saved plan stale and what must not.

const domain = (memoryKiB: number) => ({ name: 'web-01', uuid: null, state: 'running', vcpu: 2, memoryKiB, disks: [], interfaces: [], pytin: null });
const series = (lockAgeSeconds: number) => [
  { user: 'alice', exists: true, currentIndex: 3, lock: { pid: 4242, ageSeconds: lockAgeSeconds, liveness: 'alive' } },
];
const backups = (cron: string, lockAgeSeconds: number): BackupsFacts => ({
  policies: [{ name: 'home-users', cron, exclude: '*.tmp\n', series: series(lockAgeSeconds) }],
  installed: [{ file: 'pytin-backup-home-users', text: cron }],
});
const CRON = '30 2 * * * root pytin backup run --source /srv --target /backups --name home-users\n';

interface HostInput {
  memoryKiB?: number;
  cron?: string;
  lockAgeSeconds?: number;
  uptime?: number;
  tc?: TcFacts;
  observedAt?: number;
  lastRunStartedAt?: number;
}

function host(input: HostInput = {}): HostFactsView {
  const at = input.observedAt ?? 1_000;
  const fact = <T>(value: T): FactView => ({ value, observedAt: at });
  return {
    facts: new Map<string, FactView>([
      ['basics', fact({ hostname: 'hv', uptimeSeconds: input.uptime ?? 100 })],
      [KVM_FACTS_KEY, fact([domain(input.memoryKiB ?? 1_048_576)])],
      [TC_FACTS_KEY, fact(input.tc ?? recordedFacts())],
      [BACKUP_FACTS_KEY, fact(backups(input.cron ?? CRON, input.lockAgeSeconds ?? 60))],
    ]),
    lastRun: { status: 'succeeded', startedAt: input.lastRunStartedAt ?? at, finishedAt: (input.lastRunStartedAt ?? at) + 5, error: null },
  };
}

/** tc's counter of packets sent straight through an HTB root: it moves with traffic alone. */
function withDirectPackets(facts: TcFacts, packets: number): TcFacts {
  let changed = 0;
  for (const device of facts.interfaces) {
    for (const qdisc of device.qdiscs) {
      const options = qdisc.raw.options;
      if (typeof options === 'object' && options !== null && !Array.isArray(options) && 'direct_packets_stat' in options) {
        options.direct_packets_stat = packets;
        changed++;
      }
    }
  }
  assert.ok(changed > 0, 'the recorded tc listing has an HTB root with direct_packets_stat');
  return facts;
}

const fingerprint = (hosts: Array<[string, HostFactsView]>) => fingerprintOf(new Map(hosts), DRIVERS);
const base = fingerprint([
  ['hv-01', host()],
  ['hv-02', host()],
]);

test('the fingerprint is a sha256 in hex', () => {
  assert.match(base, /^[0-9a-f]{64}$/);
});

test('facts the drivers plan from change the fingerprint', () => {
  const changed = {
    'a domain memory changed by hand': fingerprint([
      ['hv-01', host({ memoryKiB: 2_097_152 })],
      ['hv-02', host()],
    ]),
    'a tc class rate changed by hand': fingerprint([
      ['hv-01', host()],
      ['hv-02', host({ tc: withClassRate(recordedFacts(), 'ifb-shaped0', '7079:56cd', '50Mbit', 50_000_000) })],
    ]),
    'an installed schedule edited': fingerprint([
      ['hv-01', host({ cron: CRON.replace('30 2', '0 3') })],
      ['hv-02', host()],
    ]),
    'a host that lost its facts': fingerprint([
      ['hv-01', host()],
      ['hv-02', { facts: new Map(), lastRun: undefined }],
    ]),
    'a host renamed (the same facts under another name)': fingerprint([
      ['hv-01', host()],
      ['hv-03', host()],
    ]),
  };
  for (const [what, value] of Object.entries(changed)) assert.notEqual(value, base, what);
  assert.equal(new Set(Object.values(changed)).size, Object.keys(changed).length, 'each change gives its own fingerprint');
});

test('what moves with the clock or plans nothing leaves the fingerprint alone', () => {
  const same = {
    'a backup lock one hour older': fingerprint([
      ['hv-01', host({ lockAgeSeconds: 3_660 })],
      ['hv-02', host()],
    ]),
    'observed again later': fingerprint([
      ['hv-01', host({ observedAt: 9_999_000, lastRunStartedAt: 9_998_000 })],
      ['hv-02', host({ observedAt: 9_999_500 })],
    ]),
    'tc counters moved (packets passed the root qdisc unclassified)': fingerprint([
      ['hv-01', host({ tc: withDirectPackets(recordedFacts(), 987_654) })],
      ['hv-02', host()],
    ]),
    'a longer uptime (basics plan nothing)': fingerprint([
      ['hv-01', host({ uptime: 86_400 })],
      ['hv-02', host()],
    ]),
    'hosts loaded in another order': fingerprint([
      ['hv-02', host()],
      ['hv-01', host()],
    ]),
  };
  for (const [what, value] of Object.entries(same)) assert.equal(value, base, what);
});

test('facts read from the store hash their stored JSON text to the same fingerprint as their values', () => {
  // What the store keeps: factsToJson's text beside the parsed value (readManyHostFacts). A
  // domain with integer-like keys written after a name: JSON.stringify puts them first, and again
  // after the round trip.
  const odd = { name: 'web-01', '10': 'ten', '2': 'two', extra: { z: 1, '1': [1.5, -0, 1e21, 'é\u2028'] } };
  const stored = (view: HostFactsView): HostFactsView => ({
    ...view,
    facts: new Map(
      [...view.facts].map(([kind, fact]) => [kind, { ...fact, value: JSON.parse(factsToJson(fact.value)) as unknown, json: factsToJson(fact.value) }]),
    ),
  });
  const withOdd = (): HostFactsView => {
    const view = host();
    return { ...view, facts: new Map([...view.facts, [KVM_FACTS_KEY, { value: [odd], observedAt: 1_000 }]]) };
  };
  for (const view of [host(), host({ memoryKiB: 2_097_152, cron: '0 3 * * * root true\n' }), withOdd()]) {
    const inMemory = fingerprintOf(new Map([['hv-01', view]]), DRIVERS);
    assert.equal(fingerprintOf(new Map([['hv-01', stored(view)]]), DRIVERS), inMemory);
  }
  // The stored text is what is hashed (not a second serialisation): another text, another hash.
  const view = stored(host());
  const kvm = view.facts.get(KVM_FACTS_KEY)!;
  const other = new Map(view.facts).set(KVM_FACTS_KEY, { ...kvm, json: factsToJson([domain(4_194_304)]) });
  assert.notEqual(fingerprintOf(new Map([['hv-01', { ...view, facts: other }]]), DRIVERS), fingerprintOf(new Map([['hv-01', view]]), DRIVERS));
});
