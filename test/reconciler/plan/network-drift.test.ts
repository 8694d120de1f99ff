import assert from 'node:assert/strict';
import { test } from 'node:test';

import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { networkDrift } from '../../../reconciler/plan/network-drift.js';
import type { ObservedFacts } from '../../../reconciler/plan/observed-facts.js';
import type { DeviceFacts } from '../../../reconciler/store/facts/device-facts.js';
import type { StoredDeviceFacts } from '../../../reconciler/store/facts/device-store.js';
import { labTexts, labWith, snapshotOf } from '../../support/lab-inventory.js';

const NOW = Date.parse('2026-11-27T08:00:00Z');
const DAY = 86_400_000;
const POLICY = { lastSeenWarningDays: 31, reservationWarningDays: 15, now: NOW };
const { state } = validateInventory(snapshotOf(labTexts()));

function device(facts: Partial<DeviceFacts>, observedAt = NOW): StoredDeviceFacts {
  return {
    facts: { system: { sysName: 'sw', sysDescr: null, sysObjectID: null, sysUpTime: 1 }, interfaces: [], arp: [], fdb: [], lldp: [], ...facts },
    observedAt,
    runId: 1,
    lastRun: undefined,
  };
}

function factsWith(partial: Partial<ObservedFacts>): ObservedFacts {
  return { hosts: new Map(), devices: new Map(), sightings: new Map(), lastApplied: new Map(), fingerprint: 'x', ...partial };
}

const sighting = (ip: string, lastSeen: number, extra: Partial<{ mac: string; device: string; port: string }> = {}) =>
  [ip, { ip, mac: extra.mac ?? '52:54:00:99:99:99', device: extra.device ?? 'sw-r01', port: extra.port ?? 'Gi1/0/5', vlan: 100, lastSeen }] as const;

interface DriftCase {
  name: string;
  facts: ObservedFacts;
  expected: Array<[string, string]>;
}

const cases: DriftCase[] = [
  {
    name: 'an unallocated address answering in a managed pool is drift',
    facts: factsWith({ devices: new Map([['sw-r01', { facts: device({}), lastRun: undefined }]]), sightings: new Map([sighting('203.0.113.77', NOW)]) }),
    expected: [['ip/203.0.113.77', 'unallocated-address-in-use']],
  },
  {
    name: "an IPv6 address in the observer's full form matches its holder (no drift)",
    facts: factsWith({
      devices: new Map([['sw-r01', { facts: device({}), lastRun: undefined }]]),
      sightings: new Map([sighting('2001:0db8:0010:0000:0000:0000:0000:0010', NOW)]),
    }),
    expected: [],
  },
  {
    name: 'the gateway, reserved gear and addresses outside every pool answer by design',
    facts: factsWith({
      devices: new Map([['sw-r01', { facts: device({}), lastRun: undefined }]]),
      sightings: new Map([sighting('203.0.113.1', NOW), sighting('203.0.113.5', NOW), sighting('192.0.2.44', NOW)]),
    }),
    expected: [],
  },
  {
    name: 'an old sighting is history, not presence',
    facts: factsWith({ devices: new Map([['sw-r01', { facts: device({}), lastRun: undefined }]]), sightings: new Map([sighting('203.0.113.77', NOW - DAY)]) }),
    expected: [],
  },
  {
    name: 'an allocated address not seen for more than 31 days is drift; 30 days is not',
    facts: factsWith({ sightings: new Map([sighting('203.0.113.10', NOW - 40 * DAY), sighting('203.0.113.11', NOW - 30 * DAY)]) }),
    expected: [['ip/203.0.113.10', 'address-not-seen']],
  },
  {
    name: 'a MAC on another edge port than its cabling is drift; on an uplink it is not',
    facts: factsWith({
      devices: new Map([
        [
          'sw-r01',
          {
            facts: device({
              interfaces: [iface(10103, 'Gi1/0/3'), iface(10112, 'Gi1/0/12')],
              fdb: [
                { mac: '0c:c4:7a:10:00:01', vlan: 1, ifIndex: 10103 },
                { mac: '0c:c4:7a:10:00:02', vlan: 1, ifIndex: 10112 },
              ],
            }),
            lastRun: undefined,
          },
        ],
      ]),
    }),
    expected: [['server/hv-01/eno1', 'mac-on-unexpected-port']],
  },
  {
    name: 'a declared switch whose last walk failed is drift',
    facts: factsWith({
      devices: new Map([
        [
          'sw-r02',
          {
            facts: undefined,
            lastRun: { id: 3, source: 'snmp', subject: 'sw-r02', startedAt: NOW, finishedAt: NOW, status: 'failed', error: 'OBS_SNMP_TIMEOUT: no answer' },
          },
        ],
      ]),
    }),
    expected: [['switch/sw-r02', 'device-not-answering']],
  },
];

function iface(ifIndex: number, ifName: string): DeviceFacts['interfaces'][number] {
  return {
    ifIndex,
    ifName,
    ifDescr: null,
    ifAlias: null,
    ifType: 6,
    speedMbps: 1000,
    operStatus: 'up',
    mac: null,
    inOctets: null,
    outOctets: null,
    counterBits: 64,
  };
}

for (const c of cases) {
  test(`drift: ${c.name}`, () => {
    const drift = networkDrift(state, c.facts, POLICY);
    assert.deepEqual(
      drift.map((d) => [d.address, d.kind]),
      c.expected,
    );
    for (const d of drift) {
      assert.ok(d.evidence.where.length > 0 && !Number.isNaN(Date.parse(d.evidence.seenAt)), JSON.stringify(d));
      assert.ok(d.message.length > 10);
    }
  });
}

// Reservations with a date (examples/lab's 203.0.113.200 for globex, dated per case). NOW is
// 2026-11-27T08:00Z, so a reservation of 2026-11-12 is 15 days and 8 hours old: 15 whole days.
const RESERVED = '{ip: 203.0.113.200, tenant: globex, note: promised for the new load balancer}';
function stateReservedAt(reservedAt: string | undefined) {
  const texts = reservedAt === undefined ? labTexts() : labWith('network/pools.yaml', RESERVED, RESERVED.replace('}', `, reservedAt: ${reservedAt}}`));
  const validated = validateInventory(snapshotOf(texts));
  assert.deepEqual(
    validated.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return validated.state;
}

interface ReservationCase {
  name: string;
  reservedAt: string | undefined;
  lastSeen?: number;
  drift: boolean;
}

const reservationCases: ReservationCase[] = [
  { name: 'reserved 16 days ago and never seen is drift', reservedAt: '2026-11-11', drift: true },
  { name: 'exactly 15 days is not yet drift', reservedAt: '2026-11-12', drift: false },
  { name: 'seen once inside the window is in use, even if not since', reservedAt: '2026-10-01', lastSeen: Date.parse('2026-10-03T10:00:00Z'), drift: false },
  {
    name: 'seen only before the day it was reserved is not use of the reservation',
    reservedAt: '2026-10-01',
    lastSeen: Date.parse('2026-09-29T10:00:00Z'),
    drift: true,
  },
  { name: 'seen on the day it was reserved counts', reservedAt: '2026-10-01', lastSeen: Date.parse('2026-10-01T00:00:00Z'), drift: false },
  { name: 'without a date a reservation is never drift', reservedAt: undefined, drift: false },
];

for (const c of reservationCases) {
  test(`drift: reservations: ${c.name}`, () => {
    const sightings = new Map(c.lastSeen === undefined ? [] : [sighting('203.0.113.200', c.lastSeen)]);
    const drift = networkDrift(stateReservedAt(c.reservedAt), factsWith({ sightings }), POLICY).filter((d) => d.kind === 'reservation-not-activated');
    assert.deepEqual(
      drift.map((d) => d.address),
      c.drift ? ['ip/203.0.113.200'] : [],
    );
    if (c.drift) {
      assert.match(drift[0]!.message, /^reserved in pool "lab1-public" on \d{4}-\d{2}-\d{2} for globex but not seen in use for \d+ days \(threshold 15\)/);
      assert.equal(drift[0]!.evidence.where, c.lastSeen === undefined ? 'never seen on the network' : 'last seen on sw-r01 Gi1/0/5, before the reservation');
    }
  });
}

test('drift: reservations: the threshold is the Store setting', () => {
  const drift = networkDrift(stateReservedAt('2026-11-11'), factsWith({}), { ...POLICY, reservationWarningDays: 20 });
  assert.deepEqual(
    drift.filter((d) => d.kind === 'reservation-not-activated'),
    [],
  );
});

test('a reservation date that is not a calendar day is refused at its YAML line', () => {
  for (const bad of ['2026-02-30', '2026-13-01', '26-11-01', '"2026-11-01; rm -rf /"']) {
    const texts = labWith('network/pools.yaml', RESERVED, RESERVED.replace('}', `, reservedAt: ${bad}}`));
    const errors = validateInventory(snapshotOf(texts)).diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1, `${bad}: ${JSON.stringify(errors)}`);
    assert.match(errors[0]!.summary, /calendar day YYYY-MM-DD/, bad);
    assert.equal(errors[0]!.subject?.file, 'network/pools.yaml');
    assert.equal(errors[0]!.subject?.start.line, 13);
  }
});

test('drift in a VRF: a sighting is matched to the pools of the VRF whose ARP its device answers with (snmp.vrf), never across VRFs', () => {
  // sw-r02's agent answers with globex's VRF; sw-r01's with the global table.
  const vrfState = validateInventory(
    snapshotOf(labWith('network/switches.yaml', '  credentials: sw-r02-snmp', '  credentials: sw-r02-snmp\n  vrf: globex-private')),
  ).state;
  const seen = (ip: string, device: string, lastSeen: number) => [`${device}\u0000${ip}`, sighting(ip, lastSeen, { device })[1]] as const;
  const devices = new Map([
    ['sw-r01', { facts: device({}), lastRun: undefined }],
    ['sw-r02', { facts: device({}), lastRun: undefined }],
  ]);
  const facts = factsWith({
    devices,
    sightings: new Map([
      seen('10.20.0.7', 'sw-r02', NOW), // nobody holds .7 in globex's VRF: drift, named with its VRF
      seen('10.20.0.8', 'sw-r01', NOW), // no pool of the global table contains it: nothing to say
      seen('10.20.0.2', 'sw-r02', NOW - 40 * DAY), // globex's firewall, not seen in its VRF for 40 days
      seen('10.20.0.2', 'sw-r01', NOW), // another host, in the global table: does not refresh the firewall
    ]),
  });
  const drift = networkDrift(vrfState, facts, POLICY);
  assert.deepEqual(
    drift.map((d) => [d.address, d.kind]),
    [
      ['ip/10.20.0.7%globex-private', 'unallocated-address-in-use'],
      ['ip/10.20.0.2%globex-private', 'address-not-seen'],
    ],
  );
  assert.match(drift[0]!.message, /pool "globex-private-lan" \(vrf "globex-private"\)/);
});

test("drift: reservations: a dated reservation in a VRF's pool is used only by sightings in that VRF", () => {
  // acme reserves 10.20.0.2 in its own VRF, dated 2026-10-01 (57 days before NOW); sw-r02's agent
  // answers with acme's VRF, sw-r01's with the global table.
  const texts = labTexts();
  const reservation = "{ip: 10.20.0.2, tenant: acme, note: acme's VPN concentrator}";
  texts.set('network/pools.yaml', texts.get('network/pools.yaml')!.replace(reservation, reservation.replace('}', ', reservedAt: 2026-10-01}')));
  texts.set(
    'network/switches.yaml',
    texts.get('network/switches.yaml')!.replace('  credentials: sw-r02-snmp', '  credentials: sw-r02-snmp\n  vrf: acme-private'),
  );
  const validated = validateInventory(snapshotOf(texts));
  assert.deepEqual(
    validated.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const devices = new Map([
    ['sw-r01', { facts: device({}), lastRun: undefined }],
    ['sw-r02', { facts: device({}), lastRun: undefined }],
  ]);
  const seenOn = (device: string) => [`${device}\u000010.20.0.2`, sighting('10.20.0.2', NOW - DAY, { device })[1]] as const;
  const reservationDrift = (...seen: Array<ReturnType<typeof seenOn>>) =>
    networkDrift(validated.state, factsWith({ devices, sightings: new Map(seen) }), POLICY)
      .filter((d) => d.kind === 'reservation-not-activated')
      .map((d) => d.address);
  // Answering in the global table after the date is another host, not acme's reserved address.
  assert.deepEqual(reservationDrift(seenOn('sw-r01')), ['ip/10.20.0.2%acme-private']);
  // Answering in acme's VRF after the date is the reservation in use.
  assert.deepEqual(reservationDrift(seenOn('sw-r02')), []);
});
