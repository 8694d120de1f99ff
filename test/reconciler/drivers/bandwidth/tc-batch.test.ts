import assert from 'node:assert/strict';
import { test } from 'node:test';

import { InternalError } from '../../../../inventory/core/errors.js';
import { compileShaping } from '../../../../reconciler/drivers/bandwidth/compile-shaping.js';
import { tcScript } from '../../../../reconciler/drivers/bandwidth/observe-tc.js';
import { readShaping } from '../../../../reconciler/drivers/bandwidth/read-shaping.js';
import { shapingBatch } from '../../../../reconciler/drivers/bandwidth/tc-batch.js';
import { parseTcSize, quantizeRate, tcPrintedRate } from '../../../../reconciler/drivers/bandwidth/tc-rate.js';
import { RECORDED_SHAPING, recordedFacts, withClassRate, withoutStrayNode } from './fixtures/recorded-facts.js';

const empty = () => readShaping({ interfaces: [] });

test('a first batch builds the root qdisc, the hash tables and links, then classes, then filters', () => {
  const desired = compileShaping('h', { interfaces: ['eth0'], limits: [{ ip: '10.0.0.5', bandwidth: { inbound: '10Mbit', outbound: '2Mbit' } }] });
  const c = desired.addresses[0]!.classid;
  assert.deepEqual(shapingBatch(desired.devices, empty()), [
    'qdisc replace dev eth0 root handle 7079: htb default 0',
    'filter add dev eth0 parent 7079: protocol all pref 28793 handle 704: u32 divisor 256',
    'filter add dev eth0 parent 7079: protocol all pref 28793 handle 706: u32 divisor 256',
    'filter add dev eth0 parent 7079: protocol all pref 28793 u32 match u8 0x40 0xf0 at 0 hashkey mask 0x000000ff at 16 link 704:',
    'filter add dev eth0 parent 7079: protocol all pref 28793 u32 match u8 0x60 0xf0 at 0 hashkey mask 0x000000ff at 36 link 706:',
    `class replace dev eth0 parent 7079: classid ${c} htb rate 10000000bit ceil 10000000bit`,
    `filter add dev eth0 parent 7079: protocol all pref 28793 handle 704:5:1 u32 ht 704:5: match ip dst 10.0.0.5/32 flowid ${c}`,
    'qdisc add dev eth0 ingress',
    'filter add dev eth0 parent ffff: protocol all pref 28794 u32 match u32 0 0 action mirred egress redirect dev ifb-eth0',
    'qdisc replace dev ifb-eth0 root handle 7079: htb default 0',
    'filter add dev ifb-eth0 parent 7079: protocol all pref 28793 handle 704: u32 divisor 256',
    'filter add dev ifb-eth0 parent 7079: protocol all pref 28793 handle 706: u32 divisor 256',
    'filter add dev ifb-eth0 parent 7079: protocol all pref 28793 u32 match u8 0x40 0xf0 at 0 hashkey mask 0x000000ff at 12 link 704:',
    'filter add dev ifb-eth0 parent 7079: protocol all pref 28793 u32 match u8 0x60 0xf0 at 0 hashkey mask 0x000000ff at 20 link 706:',
    `class replace dev ifb-eth0 parent 7079: classid ${c} htb rate 2000000bit ceil 2000000bit`,
    `filter add dev ifb-eth0 parent 7079: protocol all pref 28793 handle 704:5:1 u32 ht 704:5: match ip src 10.0.0.5/32 flowid ${c}`,
  ]);
});

test('when the host is as desired the batch is empty', () => {
  const observed = readShaping(withoutStrayNode(recordedFacts()));
  assert.deepEqual(shapingBatch(compileShaping('h', RECORDED_SHAPING, observed).devices, observed), []);
});

test('a changed rate is one class replace; a stray node is deleted; nothing hand-made is named', () => {
  const observed = readShaping(withClassRate(recordedFacts(), 'shaped0', '7079:56cd', '3Mbit', 3_000_000));
  const lines = shapingBatch(compileShaping('h', RECORDED_SHAPING, observed).devices, observed);
  assert.deepEqual(lines, [
    'filter del dev shaped0 parent 7079: protocol all pref 28793 handle 704:9:1 u32',
    'class replace dev shaped0 parent 7079: classid 7079:56cd htb rate 10000000bit ceil 10000000bit',
  ]);
});

test("removing every limit keeps the qdisc when hand-made classes hang off it, and removes only pytin's", () => {
  const observed = readShaping(withoutStrayNode(recordedFacts()));
  const lines = shapingBatch(compileShaping('h', { interfaces: ['shaped0'], limits: [] }, observed).devices, observed);
  assert.ok(!lines.some((l) => /7079:10\b| pref 5\b| pref 3\b|qdisc del dev shaped0 root/.test(l)), lines.join('\n'));
  assert.deepEqual(lines.filter((l) => l.startsWith('class del')).sort(), [
    'class del dev shaped0 classid 7079:309c',
    'class del dev shaped0 classid 7079:56cd',
    'class del dev shaped0 classid 7079:b0ec',
  ]);
  // Filters go before the classes they point at; the ingress qdisc stays for the hand-made filter.
  assert.ok(lines.findIndex((l) => l.startsWith('class del')) > lines.findIndex((l) => l.includes('pref 28793 handle')));
  assert.ok(lines.includes('filter del dev shaped0 parent ffff: pref 28794') && !lines.includes('qdisc del dev shaped0 ingress'));
  // The ifb is pytin's alone: its whole qdisc goes.
  assert.ok(lines.includes('qdisc del dev ifb-shaped0 root'));
});

test('rates are applied at the precision tc prints them; sizes read in powers of 1024', () => {
  // What tc 6.1 printed for HTB classes added with these rates on the lab kernel.
  const cases: Array<[number, string]> = [
    [10_000_000, '10Mbit'],
    [12_345_678, '12345Kbit'],
    [1_234_567_890, '1234Mbit'],
    [1_500_000_000, '1500Mbit'],
    [1500, '1496bit'],
    [1504, '1504bit'],
    [999_999, '999992bit'],
    [1000, '1Kbit'],
    [803, '800bit'],
  ];
  for (const [bits, printed] of cases) assert.equal(tcPrintedRate(bits), printed, String(bits));
  assert.equal(quantizeRate(12_345_678), 12_345_000);
  assert.deepEqual(['1600b', '15Kb', '64Kb', '1Mb', 'x'].map(parseTcSize), [1600, 15360, 65536, 1048576, null]);
});

test('an interface name that would add words or lines to a tc command is a bug, never run', () => {
  for (const device of ['eth0 root', 'eth0\nqdisc del dev lo root', 'eth0;reboot', '-eth0', 'a'.repeat(16), 'eth0\u2028x']) {
    const desired = compileShaping('h', { interfaces: [device], limits: [{ ip: '10.0.0.5', bandwidth: { inbound: '10Mbit' } }] });
    assert.throws(
      () => shapingBatch(desired.devices, empty()),
      (e: Error) => e instanceof InternalError && /not safe in a tc command/.test(e.message),
      JSON.stringify(device),
    );
    assert.throws(() => tcScript([device], 'm'), InternalError, JSON.stringify(device));
  }
});
