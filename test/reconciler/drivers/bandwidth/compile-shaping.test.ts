import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compileShaping, shapingDevices, type ShapingSpec } from '../../../../reconciler/drivers/bandwidth/compile-shaping.js';
import { readShaping, type TcObserved } from '../../../../reconciler/drivers/bandwidth/read-shaping.js';
import { homeMinor, ifbName, pytinMinor } from '../../../../reconciler/drivers/bandwidth/tc-handles.js';
import { RECORDED_SHAPING, recordedFacts } from './fixtures/recorded-facts.js';

const limit = (ip: string, inbound?: string, outbound?: string) => ({ ip, bandwidth: { ...(inbound ? { inbound } : {}), ...(outbound ? { outbound } : {}) } });
const manyIps = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    i % 3 === 2 ? `2001:db8:${Math.floor(i / 200)}::${(i % 200) + 1}` : `10.${20 + Math.floor(i / 60000)}.${Math.floor(i / 250) % 240}.${1 + (i % 250)}`,
  );

/** What compileShaping reads from `previous`: the classes the filters point at, per device. Built
 * as an observation of exactly the desired trees (the state after a successful apply). */
function observedAs(desired: ReturnType<typeof compileShaping>): TcObserved {
  return {
    devices: desired.devices.map((tree) => ({
      ...readShaping({ interfaces: [{ device: tree.device, qdiscs: [], classes: [], filters: [] }] }).devices[0]!,
      tree,
    })),
  };
}

test("one class per address, the same minor on the interface and on its ifb; filters point at their own address's class", () => {
  const desired = compileShaping('shared-01', {
    interfaces: ['br0', 'venet0'],
    limits: [limit('10.0.0.5', '10Mbit', '5Mbit'), limit('2001:DB8::0:5', '20Mbit')],
  });
  assert.deepEqual(desired.diagnostics, []);
  assert.deepEqual(
    desired.addresses.map((a) => a.ip),
    ['10.0.0.5', '2001:db8::5'],
  );
  assert.deepEqual(
    desired.devices.map((d) => [d.device, d.redirectTo, d.filters.map((f) => `${f.field} ${f.ip}`)]),
    [
      ['br0', 'ifb-br0', ['dst 10.0.0.5', 'dst 2001:db8::5']],
      ['ifb-br0', null, ['src 10.0.0.5']],
      ['venet0', 'ifb-venet0', ['dst 10.0.0.5', 'dst 2001:db8::5']],
      ['ifb-venet0', null, ['src 10.0.0.5']],
    ],
  );
  const byIp = new Map(desired.addresses.map((a) => [a.ip, a]));
  for (const tree of desired.devices) {
    for (const f of tree.filters) {
      const cls = tree.classes.find((c) => c.classid === f.classid)!;
      const want = byIp.get(f.ip)!;
      assert.equal(f.classid, want.classid);
      assert.equal(cls.rateBitsPerSecond, f.field === 'dst' ? want.inboundBitsPerSecond : want.outboundBitsPerSecond);
    }
  }
  assert.deepEqual(shapingDevices({ interfaces: ['br0', 'venet0'] }), ['br0', 'ifb-br0', 'venet0', 'ifb-venet0']);
});

test('the order of the limits in the inventory changes nothing', () => {
  const limits = manyIps(500).map((ip, i) => limit(ip, `${1 + (i % 9)}Mbit`, `${1 + (i % 4)}Mbit`));
  const a = compileShaping('h', { interfaces: ['eth0'], limits });
  const b = compileShaping('h', { interfaces: ['eth0'], limits: [...limits].reverse() });
  assert.deepEqual(b, a);
});

test("classes come from the address itself: without collisions each address gets its hash's minor, run after run", () => {
  const desired = compileShaping('h', {
    interfaces: ['eth0'],
    limits: [limit('10.0.0.5', '1Mbit'), limit('192.0.2.77', '1Mbit'), limit('2001:db8::1', '1Mbit')],
  });
  for (const a of desired.addresses) assert.equal(pytinMinor(a.classid), homeMinor(a.ip));
  assert.deepEqual(compileShaping('h', { interfaces: ['eth0'], limits: [limit('192.0.2.77', '1Mbit')] }).addresses[0]!.classid, desired.addresses[1]!.classid);
});

test("removing, adding or reordering addresses never moves another address's class (collisions included)", () => {
  const ips = manyIps(4000);
  const shaping: ShapingSpec = { interfaces: ['eth0'], limits: ips.map((ip) => limit(ip, '1Mbit', '1Mbit')) };
  const first = compileShaping('h', shaping);
  const classOf = new Map(first.addresses.map((a) => [a.ip, a.classid]));
  // 4000 addresses in 61,439 minors: some collided and probed past their hash.
  const probed = first.addresses.filter((a) => pytinMinor(a.classid) !== homeMinor(a.ip));
  assert.ok(probed.length > 10, `${probed.length} collisions`);
  const previous = observedAs(first);
  // Remove the addresses that others probed past (the worst case), then add new ones that hash onto
  // taken minors: every remaining address keeps its class.
  const removed = new Set(first.addresses.filter((a) => probed.some((p) => homeMinor(p.ip) === pytinMinor(a.classid))).map((a) => a.ip));
  assert.ok(removed.size > 0);
  const added = manyIps(6000).slice(4000);
  const next = compileShaping(
    'h',
    { interfaces: ['eth0'], limits: [...added, ...ips.filter((ip) => !removed.has(ip)).reverse()].map((ip) => limit(ip, '2Mbit')) },
    previous,
  );
  for (const a of next.addresses) if (classOf.has(a.ip)) assert.equal(a.classid, classOf.get(a.ip), a.ip);
  assert.equal(new Set(next.addresses.map((a) => a.classid)).size, next.addresses.length);
  // Without the observation the hash alone decides, and a freed minor goes back to the address
  // that had probed past it: that is why compileShaping is given what is observed.
  const blind = compileShaping('h', { interfaces: ['eth0'], limits: ips.filter((ip) => !removed.has(ip)).map((ip) => limit(ip, '2Mbit')) });
  assert.ok(blind.addresses.some((a) => a.classid !== classOf.get(a.ip)));
});

test('an observed class is kept for its address (the recorded host)', () => {
  const observed = readShaping(recordedFacts());
  const desired = compileShaping('shared-01', { ...RECORDED_SHAPING, limits: [...RECORDED_SHAPING.limits, limit('10.0.0.6', '1Mbit')] }, observed);
  assert.deepEqual(
    desired.addresses.map((a) => [a.ip, a.classid]).filter(([ip]) => ip !== '10.0.0.6'),
    [
      ['10.0.0.5', '7079:56cd'],
      ['10.0.1.0', '7079:309c'],
      ['2001:db8::5', '7079:b0ec'],
    ],
  );
});

test('more than 256 addresses compile to one filter each, IPv4 and IPv6', () => {
  const desired = compileShaping('h', { interfaces: ['eth0'], limits: manyIps(3000).map((ip) => limit(ip, '1Mbit', '1Mbit')) });
  assert.deepEqual(
    desired.devices.map((d) => [d.device, d.classes.length, d.filters.length]),
    [
      ['eth0', 3000, 3000],
      ['ifb-eth0', 3000, 3000],
    ],
  );
  assert.equal(desired.devices[0]!.filters.filter((f) => f.ip.includes(':')).length, 1000);
});

test('what tc cannot honour or read is a diagnostic, never a silent change', () => {
  const cases: Array<{ name: string; limits: ShapingSpec['limits']; codes: string[]; addresses: string[] }> = [
    {
      name: 'peaks are warned about, the average still applies',
      limits: [{ ip: '10.0.0.5', bandwidth: { inbound: '10Mbit', inboundPeak: '20Mbit', outbound: '1Mbit', outboundPeak: '2Mbit' } }],
      codes: ['PLAN_TC_PEAK_NOT_HONOURED', 'PLAN_TC_PEAK_NOT_HONOURED'],
      addresses: ['10.0.0.5'],
    },
    {
      name: 'a limit with only a peak shapes nothing',
      limits: [{ ip: '10.0.0.5', bandwidth: { inboundPeak: '20Mbit' } }],
      codes: ['PLAN_TC_PEAK_NOT_HONOURED', 'PLAN_TC_NO_AVERAGE_RATE'],
      addresses: [],
    },
    {
      name: 'a rate finer than tc keeps is rounded, and said so',
      limits: [limit('10.0.0.5', '12345678bit')],
      codes: ['PLAN_TC_RATE_ROUNDED'],
      addresses: ['10.0.0.5'],
    },
    {
      name: 'an unreadable address is left out',
      limits: [limit('10.0.0.300', '1Mbit'), limit('10.0.0.6', '1Mbit')],
      codes: ['PLAN_TC_INVALID_LIMIT'],
      addresses: ['10.0.0.6'],
    },
    {
      name: 'an address twice keeps the first',
      limits: [limit('2001:db8::5', '1Mbit'), limit('2001:DB8:0::5', '2Mbit')],
      codes: ['PLAN_TC_DUPLICATE_ADDRESS'],
      addresses: ['2001:db8::5'],
    },
  ];
  for (const c of cases) {
    const desired = compileShaping('h', { interfaces: ['eth0'], limits: c.limits });
    assert.deepEqual(
      desired.diagnostics.map((d) => d.code),
      c.codes,
      c.name,
    );
    assert.deepEqual(
      desired.addresses.map((a) => a.ip),
      c.addresses,
      c.name,
    );
    assert.ok(
      desired.diagnostics.every((d) => d.address === 'server/h'),
      c.name,
    );
  }
  const rounded = compileShaping('h', { interfaces: ['eth0'], limits: [limit('10.0.0.5', '12345678bit')] });
  assert.equal(rounded.addresses[0]!.inboundBitsPerSecond, 12_345_000);
  assert.equal(
    compileShaping('h', { interfaces: ['eth0'], limits: [{ ip: '10.0.0.5', bandwidth: { inbound: '1Gbit', burst: '64KiB' } }] }).addresses[0]!.burstBytes,
    65536,
  );
});

test('ifb names fit the 15-byte limit and differ per interface', () => {
  assert.equal(ifbName('eth0'), 'ifb-eth0');
  const long = [ifbName('enp129s0f1np1v9'), ifbName('enp129s0f1np1v8')];
  assert.ok(long.every((n) => Buffer.byteLength(n) <= 15) && long[0] !== long[1], long.join());
});
