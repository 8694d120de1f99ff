import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseTcListing, parseTcRate, u32AddressMatches } from '../../../../reconciler/drivers/bandwidth/parse-tc.js';

// Recorded from iproute2 6.1 (tc -j ... show dev veth0) on the lab kernel; the second class line
// is written in the same form for a child class with a leaf qdisc.
const QDISCS =
  '[{"kind":"htb","handle":"1:","root":true,"refcnt":3,"options":{"r2q":10,"default":"0x30","direct_packets_stat":1,"direct_qlen":1000}},{"kind":"ingress","handle":"ffff:","parent":"ffff:fff1","options":{}}]';
const CLASSES_AS_TEXT =
  'class htb 1:10 root prio 0 rate 10Mbit ceil 20Mbit burst 1600b cburst 1600b \nclass htb 1:20 parent 1:1 leaf 20: prio 1 rate 512Kbit ceil 1Gbit burst 1600b cburst 1375b \n';
const FILTERS =
  '[{"parent":"1:","protocol":"ip","pref":1,"kind":"u32","chain":0},{"parent":"1:","protocol":"ip","pref":1,"kind":"u32","chain":0,"options":{"fh":"800:","ht_divisor":1}},{"parent":"1:","protocol":"ip","pref":1,"kind":"u32","chain":0,"options":{"fh":"800::800","order":2048,"key_ht":"800","bkt":"0","flowid":"1:10","not_in_hw":true,"match":{"value":"a000005","mask":"ffffffff","offmask":"","off":16}}}]';

test('qdiscs from JSON: the root one has parent "root"', () => {
  assert.deepEqual(
    parseTcListing('qdisc', QDISCS).map((q) => [q.kind, q.handle, q.parent]),
    [
      ['htb', '1:', 'root'],
      ['ingress', 'ffff:', 'ffff:fff1'],
    ],
  );
});

test('HTB classes printed as text (tc 6.1 ignores -j for them) are read with their rates', () => {
  const classes = parseTcListing('class', CLASSES_AS_TEXT);
  assert.deepEqual(
    classes.map((c) => [c.kind, c.handle, c.parent, c.raw.rateBitsPerSecond, c.raw.ceilBitsPerSecond, c.raw.leaf]),
    [
      ['htb', '1:10', 'root', 10_000_000, 20_000_000, undefined],
      ['htb', '1:20', '1:1', 512_000, 1_000_000_000, '20:'],
    ],
  );
});

test('filters from JSON keep u32 handles, flowid and match', () => {
  const filters = parseTcListing('filter', FILTERS);
  assert.deepEqual(
    filters.map((f) => f.handle),
    [null, '800:', '800::800'],
  );
  assert.deepEqual((filters[2]!.raw.options as Record<string, unknown>).flowid, '1:10');
  assert.deepEqual(u32AddressMatches(filters[2]!), [{ field: 'dst', cidr: '10.0.0.5/32' }]);
});

// Recorded: a u32 filter with two matches prints the "match" key twice in one object.
const TWO_MATCHES =
  '[{"parent":"1:","protocol":"ip","pref":2,"kind":"u32","chain":0,"options":{"fh":"801::800","order":2048,"key_ht":"801","bkt":"0","flowid":"1:10","not_in_hw":true,"match":{"value":"a000007","mask":"ffffffff","offmask":"","off":16},"match":{"value":"a000008","mask":"ffffffff","offmask":"","off":12}}}]';

test('every match of a u32 filter is kept, though tc prints them under one repeated key', () => {
  const [filter] = parseTcListing('filter', TWO_MATCHES);
  assert.deepEqual(u32AddressMatches(filter!), [
    { field: 'dst', cidr: '10.0.0.7/32' },
    { field: 'src', cidr: '10.0.0.8/32' },
  ]);
});

test('empty output is an empty listing; unknown text is refused', () => {
  assert.deepEqual(parseTcListing('class', ''), []);
  assert.deepEqual(parseTcListing('filter', '[]\n'), []);
  assert.throws(() => parseTcListing('qdisc', 'qdisc htb 1: root'), /neither JSON nor a known text form/);
});

test('tc rates are SI bits per second; Bps means bytes', () => {
  assert.equal(parseTcRate('10Mbit'), 10_000_000);
  assert.equal(parseTcRate('1.5Gbit'), 1_500_000_000);
  assert.equal(parseTcRate('800bit'), 800);
  assert.equal(parseTcRate('1KBps'), 8000);
  assert.equal(parseTcRate('fast'), null);
});
