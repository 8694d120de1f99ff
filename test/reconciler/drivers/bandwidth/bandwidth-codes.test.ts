import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { INVENTORY_CODES } from '../../../../inventory/core/diagnostic-codes.js';
import { BANDWIDTH_CODES } from '../../../../reconciler/drivers/bandwidth/bandwidth-codes.js';
import { HOST_OBSERVATION_CODES } from '../../../../reconciler/observe/hosts/host-codes.js';
import { OBS_SNMP_CODES } from '../../../../reconciler/observe/snmp/snmp-codes.js';
import { STORE_CODES } from '../../../../reconciler/store/store-codes.js';
import { PROJECT_ROOT } from '../../../support/lab-inventory.js';

test('every PLAN_TC_/APPLY_TC_ code the driver uses is in its catalogue, and no other catalogue defines it', () => {
  const dir = join(PROJECT_ROOT, 'reconciler', 'drivers', 'bandwidth');
  const used = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'bandwidth-codes.ts')) {
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/'((?:PLAN|APPLY)_TC_[A-Z0-9_]+)'/g)) used.add(match[1]!);
  }
  assert.ok(used.size >= 10, `${used.size} codes used`);
  for (const code of used) assert.ok(code in BANDWIDTH_CODES, `${code} is used but not catalogued`);
  for (const code of Object.keys(BANDWIDTH_CODES)) {
    assert.match(code, /^(PLAN|APPLY)_TC_/);
    assert.ok(used.has(code), `${code} is catalogued but never used`);
    for (const other of [INVENTORY_CODES, HOST_OBSERVATION_CODES, OBS_SNMP_CODES, STORE_CODES]) assert.ok(!(code in other), `${code} defined twice`);
  }
});
