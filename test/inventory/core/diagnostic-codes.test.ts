import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { INVENTORY_CODES } from '../../../inventory/core/diagnostic-codes.js';
import { PROJECT_ROOT } from '../../support/lab-inventory.js';

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('every INV_ code the inventory emits is in the catalogue', () => {
  const used = new Set<string>();
  for (const file of [...sources(join(PROJECT_ROOT, 'inventory')), ...sources(join(PROJECT_ROOT, 'schemas'))]) {
    if (file.endsWith('diagnostic-codes.ts')) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(/'(INV_[A-Z0-9_]+)'/g)) used.add(match[1]!);
  }
  assert.ok(used.size > 30);
  for (const code of used) assert.ok(code in INVENTORY_CODES, `${code} is used but not catalogued`);
});
