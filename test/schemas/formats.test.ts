import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Address4 } from 'ip-address';

import { CRON_MAX_LENGTH, isCronSchedule } from '../../schemas/formats/cron.js';
import { canonicalIp, formatIp, parseCidr, parseIp, parseIpRange } from '../../schemas/formats/ip.js';
import { normaliseMac } from '../../schemas/formats/mac.js';
import { isResourceName } from '../../schemas/formats/names.js';
import { parseBandwidth, parseSize } from '../../schemas/formats/units.js';

test('IP addresses parse to one canonical form (RFC 5952 for IPv6)', () => {
  const table: Array<[string, string | undefined]> = [
    ['203.0.113.9', '203.0.113.9'],
    ['203.0.113.09', undefined],
    ['256.1.1.1', undefined],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::', '::'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['fe80::1%eth0', undefined],
    ['1.2.3', undefined],
  ];
  for (const [input, expected] of table) assert.equal(canonicalIp(input), expected, input);
});

test('a canonical dotted quad is its own canonical text, the one formatting its parse gives', () => {
  for (const quad of ['0.0.0.0', '255.255.255.255', '10.0.0.1', '1.22.133.244', '9.99.199.249', '100.200.250.255']) {
    assert.equal(canonicalIp(quad), quad);
    assert.equal(formatIp(parseIp(quad)!), quad);
  }
});

test('IPv4 is a strict dotted quad: no leading zeros, short, hex or octal forms, no spaces', () => {
  for (const bad of [
    '127.1',
    '127.0.1',
    '2130706433',
    '0x7f.0.0.1',
    '0x7f000001',
    '0177.0.0.1',
    '010.0.0.1',
    '1.2.3.04',
    '1.2.3.4.',
    '.1.2.3.4',
    '1.2.3.4.5',
    '1.2.3.-1',
    '1.2.3.256',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.4\n',
    '1.2.3.4/32',
    '1.2.3.4%eth0',
    '１.2.3.4',
    '',
  ]) {
    assert.equal(parseIp(bad), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(parseIp('0.0.0.0'), { version: 4, value: 0n });
  assert.deepEqual(parseIp('255.255.255.255'), { version: 4, value: 0xffffffffn });
});

test('IPv6 without zone ids or prefixes; an embedded dotted quad is strict too', () => {
  for (const bad of [
    'fe80::1%eth0',
    'fe80::1%1',
    '2001:db8::1/128',
    '1::2::3',
    '2001:db8::00001',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    ':1:2:3:4:5:6:7',
    '::ffff:01.2.3.4',
    '::ffff:0x1.2.3.4',
    '::ffff:1.2.3',
    '::ffff:1.2.3.256',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::g',
    '[::1]',
    ' ::1',
    '::1\n',
  ]) {
    assert.equal(parseIp(bad), undefined, JSON.stringify(bad));
  }
  // An IPv4-compatible address is not an IPv4-mapped one: ::1.2.3.4 is ::102:304.
  assert.equal(canonicalIp('::1.2.3.4'), '::102:304');
  assert.equal(canonicalIp('1:2:3:4:5:6:1.2.3.4'), '1:2:3:4:5:6:102:304');
  assert.equal(canonicalIp('64:ff9b::192.0.2.33'), '64:ff9b::c000:221');
});

test('IPv6 canonical text follows RFC 5952', () => {
  const table: Array<[string, string]> = [
    ['2001:DB8::1', '2001:db8::1'], // 4.3 lower case
    ['2001:db8:0000:0:00:000:0:0001', '2001:db8::1'], // 4.1 leading zeros dropped
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // 4.2.2 a single zero group is not compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // 4.2.3 the longest run
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // 4.2.3 the first of equal runs
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ];
  for (const [input, expected] of table) assert.equal(canonicalIp(input), expected, input);
  for (const [, canonical] of table) assert.equal(formatIp(parseIp(canonical)!), canonical);
});

test('CIDRs are strict: zero host bits, a decimal prefix in range, a strict address', () => {
  assert.deepEqual(parseCidr('0.0.0.0/0'), { version: 4, first: 0n, last: 0xffffffffn, prefixLength: 0 });
  assert.deepEqual(parseCidr('2001:db8::/32'), { version: 6, first: 0x20010db8n << 96n, last: (0x20010db8n << 96n) | ((1n << 96n) - 1n), prefixLength: 32 });
  assert.equal(parseCidr('203.0.113.9/32')?.first, parseIp('203.0.113.9')!.value);
  for (const bad of [
    '203.0.113.0/33',
    '203.0.113.0/',
    '203.0.113.0/-1',
    '203.0.113.0/+24',
    '203.0.113.0/2 4',
    '203.0.113.0/0x18',
    '203.0.113.0/1000',
    '203.0.113.0',
    '010.0.0.0/8',
    '10.0/8',
    '2001:db8::1/64',
    'fe80::%eth0/64',
    '2001:db8::/64/64',
  ]) {
    assert.equal(parseCidr(bad), undefined, bad);
  }
});

test('CIDRs must have zero host bits; ranges must be ordered and of one version', () => {
  assert.equal(parseCidr('203.0.113.0/24')?.last, (203n << 24n) + (113n << 8n) + 255n);
  assert.equal(parseCidr('203.0.113.1/24'), undefined);
  assert.equal(parseCidr('2001:db8::/129'), undefined);
  assert.equal(parseIpRange('203.0.113.9-203.0.113.2'), undefined);
  assert.equal(parseIpRange('203.0.113.2-2001:db8::1'), undefined);
  assert.equal(parseIpRange('203.0.113.2 - 203.0.113.9')?.first, (203n << 24n) + (113n << 8n) + 2n);
});

test('MACs in every common notation normalise to lower case with colons', () => {
  for (const input of ['52:54:00:ab:cd:ef', '52:54:00:AB:CD:EF', '52-54-00-ab-cd-ef', '5254.00ab.cdef', '525400ABCDEF'])
    assert.equal(normaliseMac(input), '52:54:00:ab:cd:ef', input);
  for (const bad of ['52:54:00:ab:cd', '52:54-00:ab:cd:ef', '5254.00ab.cdeg', '', '52:54:00:ab:cd:ef\n', '52:54:00:ab:cd:ef:00'])
    assert.equal(normaliseMac(bad), undefined, bad);
});

test('bandwidths and sizes parse with their units', () => {
  assert.equal(parseBandwidth('100Mbit'), 100_000_000);
  assert.equal(parseBandwidth('1.5Gbit'), 1_500_000_000);
  assert.equal(parseBandwidth('100 mbps'), undefined);
  assert.equal(parseBandwidth('0Mbit'), undefined);
  assert.equal(parseSize('20GiB'), 20 * 1024 ** 3);
  assert.equal(parseSize('1TB'), 1e12);
  assert.equal(parseSize('20G'), undefined);
});

test('a quantity read again gives the same answer, also once more distinct texts were read than are remembered', () => {
  const texts = ['100Mbit', '20GiB', 'nonsense', '0Mbit'];
  const first = texts.map((t) => [parseBandwidth(t), parseSize(t)]);
  // More distinct texts than the bound (4096), as an untrusted branch could write.
  for (let i = 1; i <= 5000; i++) {
    assert.equal(parseBandwidth(`${i}kbit`), i * 1000);
    assert.equal(parseSize(`${i}KiB`), i * 1024);
  }
  assert.deepEqual(
    texts.map((t) => [parseBandwidth(t), parseSize(t)]),
    first,
  );
  assert.deepEqual(first, [
    [100_000_000, undefined],
    [undefined, 20 * 1024 ** 3],
    [undefined, undefined],
    [undefined, undefined],
  ]);
});

test('resource names are safe everywhere they are used', () => {
  assert.ok(isResourceName('web-01.prod_a'));
  for (const bad of ['Web', '-x', 'a/b', 'a b', 'x'.repeat(64), '']) assert.equal(isResourceName(bad), false, bad);
});

test('cron schedules: five numeric fields separated by single spaces, read by croner', () => {
  for (const good of [
    '30 2 * * *',
    '* * * * *',
    '*/15 * * * *',
    '0 9-17/4 * * 1-5',
    '0 1,13 * * *',
    '0 0 1 * 0',
    '0 0 * * 7',
    '0 0 * * 0,7',
    '1-5/2,7 * * * *',
    '00 02 * * *',
  ]) {
    assert.equal(isCronSchedule(good), true, good);
  }
  const bad = [
    '',
    '@daily',
    '@reboot',
    '* * * *',
    '* * * * * *',
    '30  2 * * *',
    ' 30 2 * * *',
    '30 2 * * * ', // shape
    '61 * * * *',
    '* 24 * * *',
    '* * 0 * *',
    '* * 32 * *',
    '* * * 13 *',
    '* * * * 8',
    '5-1 * * * *',
    '*/0 * * * *',
    '1,,2 * * * *',
    '1- * * * *', // range
    '5/5 * * * *',
    '/5 * * * *', // a numeric start before a step means different things to different crons
    '0 0 * * mon',
    '0 0 * JAN *',
    '0 0 L * *',
    '0 0 ? * *',
    '0 0 * * 1#2',
    '0 0 15W * *',
    'H * * * *', // names and extensions
    '#\n@hourly root touch /tmp/x;',
    '30 2 * * * root',
    '30 2 * * *;',
    '30 2 * * %',
    '30 2 * * *#', // injection
    `${'0,'.repeat(CRON_MAX_LENGTH)}0 * * * *`,
  ];
  for (const text of bad) assert.equal(isCronSchedule(text), false, JSON.stringify(text));
  // Every whitespace and control character but the single space, wherever it stands.
  for (const c of ['\n', '\r', '\v', '\f', '\t', '\x85', '\u2028', '\u2029', '\0', '\x1b', '\x7f', '\u00a0', '\u2000', '\u3000', '\u200b', '\ufeff']) {
    for (const text of [`30 2 * *${c}*`, `30 2 * * *${c}`, `${c}30 2 * * *`, `3${c}0 2 * * *`]) assert.equal(isCronSchedule(text), false, JSON.stringify(text));
  }
});

test('IPv4 read and written without ip-address (the fast path of issue 14) agrees with ip-address', () => {
  const texts: string[] = [];
  for (let octet = 0; octet < 256; octet++) texts.push(`${octet}.${255 - octet}.${octet}.${(octet * 7) % 256}`, `10.0.0.${octet}`, `${octet}.0.0.1`);
  let seed = 12345;
  for (let i = 0; i < 5000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const value = (seed * 2 + (i % 2)) >>> 0;
    texts.push(Address4.fromBigInt(BigInt(value)).correctForm());
  }
  for (const text of texts) {
    const library = new Address4(text).bigInt();
    assert.deepEqual(parseIp(text), { version: 4, value: library }, text);
    assert.equal(formatIp({ version: 4, value: library }), Address4.fromBigInt(library).correctForm(), text);
  }
});
