import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { JsonValue } from '../../../../inventory/core/json-value.js';
import { compileShaping } from '../../../../reconciler/drivers/bandwidth/compile-shaping.js';
import { addressMatch, readShaping } from '../../../../reconciler/drivers/bandwidth/read-shaping.js';
import { RECORDED_SHAPING, recordedFacts, withoutStrayNode } from './fixtures/recorded-facts.js';

test("reads pytin's classes, per-address filters and redirect from recorded tc output, ignoring hand-made ones", () => {
  const [shaped, ifb] = readShaping(recordedFacts()).devices;
  assert.deepEqual(shaped!.tree, {
    device: 'shaped0',
    classes: [
      { classid: '7079:309c', rateBitsPerSecond: 12_345_000, ceilBitsPerSecond: 12_345_000, burstBytes: 1597 },
      { classid: '7079:56cd', rateBitsPerSecond: 10_000_000, ceilBitsPerSecond: 10_000_000, burstBytes: 1600 },
      { classid: '7079:b0ec', rateBitsPerSecond: 20_000_000, ceilBitsPerSecond: 20_000_000, burstBytes: 65536 },
    ],
    filters: [
      { ip: '10.0.0.5', field: 'dst', classid: '7079:56cd' },
      { ip: '10.0.1.0', field: 'dst', classid: '7079:309c' },
      { ip: '2001:db8::5', field: 'dst', classid: '7079:b0ec' },
    ],
    redirectTo: 'ifb-shaped0',
  });
  assert.deepEqual([shaped!.root, shaped!.ingressQdisc, shaped!.ingressFilter, shaped!.foreignClasses], ['pytin', true, true, 1]);
  assert.ok(shaped!.foreignFilters > 0 && shaped!.foreignIngressFilters > 0);
  // The node added by hand in bucket 9 is pytin's to remove but matches nothing that reaches it.
  assert.deepEqual(
    shaped!.nodes.find((n) => n.handle === '704:9:1'),
    { handle: '704:9:1', filter: null },
  );
  assert.deepEqual(ifb!.tree.filters, [
    { ip: '10.0.0.5', field: 'src', classid: '7079:56cd' },
    { ip: '2001:db8::5', field: 'src', classid: '7079:b0ec' },
  ]);
  assert.deepEqual(
    ifb!.tree.classes.map((c) => [c.classid, c.rateBitsPerSecond]),
    [
      ['7079:56cd', 5_000_000],
      ['7079:b0ec', 2_000_000],
    ],
  );
});

test("what was recorded is what compileShaping asked for (HTB's default bursts aside)", () => {
  const observed = readShaping(withoutStrayNode(recordedFacts()));
  const desired = compileShaping('shared-01', RECORDED_SHAPING, observed);
  const trees = observed.devices.map((d) => d.tree);
  const blankDefaultBursts = trees.map((t, i) => ({
    ...t,
    classes: t.classes.map((c, j) => ({ ...c, burstBytes: desired.devices[i]!.classes[j]!.burstBytes === null ? null : c.burstBytes })),
  }));
  assert.deepEqual(blankDefaultBursts, desired.devices);
});

const m = (value: string, off: number, mask = 'ffffffff'): JsonValue => ({ value, mask, offmask: '', off });

test('u32 address matches decode for both families and both fields; anything else is not an address', () => {
  const cases: Array<[string, JsonValue[], ReturnType<typeof addressMatch>]> = [
    ['IPv4 destination', [m('a000005', 16)], { ip: '10.0.0.5', field: 'dst', version: 'v4' }],
    ['IPv4 source', [m('c0a80101', 12)], { ip: '192.168.1.1', field: 'src', version: 'v4' }],
    ['IPv6 destination', [m('20010db8', 24), m('0', 28), m('0', 32), m('5', 36)], { ip: '2001:db8::5', field: 'dst', version: 'v6' }],
    ['IPv6 source, listed out of order', [m('1', 20), m('fd000000', 8), m('0', 16), m('0', 12)], { ip: 'fd00::1', field: 'src', version: 'v6' }],
    ['a prefix, not one address', [m('a000000', 16, 'ffffff00')], null],
    ['a port match', [m('a000005', 16), m('500000', 20)], null],
    ['nothing', [], null],
  ];
  for (const [name, matches, expected] of cases) assert.deepEqual(addressMatch({ matches }), expected, name);
});
