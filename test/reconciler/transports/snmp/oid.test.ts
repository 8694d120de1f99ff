import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compareOids, indexAfter, isInSubtree } from '../../../../reconciler/transports/snmp/oid.js';

test('OIDs compare numerically arc by arc, a prefix first', () => {
  const sorted = [
    '1.3.6.1.2',
    '1.3.6.1.2.1',
    '1.3.6.1.2.1.4.22.1.2.3.10.0.0.2',
    '1.3.6.1.2.1.4.22.1.2.3.10.0.0.10',
    '1.3.6.1.2.1.4.35',
    '1.3.6.1.2.10',
    '1.3.6.1.3',
  ];
  const shuffled = [...sorted].reverse();
  assert.deepEqual(shuffled.sort(compareOids), sorted);
  assert.equal(compareOids('1.3.6.1', '1.3.6.1'), 0);
  assert.ok(compareOids('1.3.6.1.4.1.4294967295', '1.3.6.1.4.1.4294967294') > 0);
});

test('subtree membership and the index after the column', () => {
  assert.equal(isInSubtree('1.3.6.1.2.1.4.22.1.2.3.10.0.0.1', '1.3.6.1.2.1.4.22.1.2'), true);
  assert.equal(isInSubtree('1.3.6.1.2.1.4.22.1.20.3', '1.3.6.1.2.1.4.22.1.2'), false);
  assert.equal(isInSubtree('1.3.6.1.2.1.4.22.1.2', '1.3.6.1.2.1.4.22.1.2'), false);
  assert.deepEqual(indexAfter('1.3.6.1.2.1.4.22.1.2.3.10.0.0.1', '1.3.6.1.2.1.4.22.1.2'), [3, 10, 0, 0, 1]);
  assert.equal(indexAfter('1.3.6.1.2.1.4.23.1', '1.3.6.1.2.1.4.22.1.2'), undefined);
});
