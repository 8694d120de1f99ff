import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ipFromBytes, macFromBytes, textFromBytes } from '../../../../reconciler/observe/snmp/octets.js';

test('MACs are lower-case with colons and exactly 6 bytes', () => {
  assert.equal(macFromBytes(Buffer.from('5254ABCD0050', 'hex')), '52:54:ab:cd:00:50');
  assert.equal(macFromBytes(Buffer.from('5254ABCD00', 'hex')), undefined);
  assert.equal(macFromBytes(Buffer.alloc(0)), undefined);
});

test('IPv6 addresses are written in full form, IPv4 dotted', () => {
  const v6 = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x1a, 0xa9, 0xff, 0xfe, 0xc5, 0x28, 0x74];
  assert.equal(ipFromBytes(v6), 'fe80:0000:0000:0000:021a:a9ff:fec5:2874');
  assert.equal(ipFromBytes([10, 99, 0, 50]), '10.99.0.50');
  assert.equal(ipFromBytes([10, 99, 0]), undefined);
  assert.equal(ipFromBytes([10, 99, 0, 256]), undefined);
});

test('display strings lose NUL padding; undecodable ones are shown as hex', () => {
  assert.equal(textFromBytes(Buffer.from('Eth1/21\0\0\0\0', 'latin1')), 'Eth1/21');
  assert.equal(textFromBytes(Buffer.from('bcb6c1aa', 'hex')), 'bc:b6:c1:aa');
});
