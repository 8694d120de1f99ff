import assert from 'node:assert/strict';
import { test } from 'node:test';

import { quirksFor, STANDARD_BEHAVIOUR } from '../../../../reconciler/observe/snmp/vendor-quirks.js';

test('vendor quirks match sysObjectID prefixes on whole arcs', () => {
  assert.equal(quirksFor('1.3.6.1.4.1.9.12.3.1.3.1084').name, 'cisco-nxos');
  assert.equal(quirksFor('.1.3.6.1.4.1.9.12.3.1.3.1084').lldpLocalPortNumbering, 'if-index');
  assert.equal(quirksFor('1.3.6.1.4.1.9.12.3.1.30'), STANDARD_BEHAVIOUR);
  assert.equal(quirksFor('1.3.6.1.4.1.9.1.516'), STANDARD_BEHAVIOUR);
  assert.equal(quirksFor(null), STANDARD_BEHAVIOUR);
});
