import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUES } from '../../reconciler/diagnostic-catalogue.js';
import { PROJECT_ROOT } from '../support/lab-inventory.js';

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

test('no code is defined in two catalogues', () => {
  const seen = new Map<string, string>();
  for (const [area, catalogue] of Object.entries(CATALOGUES)) {
    for (const code of Object.keys(catalogue)) {
      assert.ok(!seen.has(code), `${code} is defined by ${seen.get(code)} and ${area}`);
      seen.set(code, area);
    }
  }
  assert.ok(seen.size > 80);
});

test('every diagnostic code the sources emit is catalogued', () => {
  const known = new Set(Object.values(CATALOGUES).flatMap((c) => Object.keys(c)));
  const prefixes = /'((?:INV|OBS|STORE|PLAN|APPLY|BACKUP)_[A-Z0-9_]+)'/g;
  const missing: string[] = [];
  for (const folder of ['schemas', 'inventory', 'reconciler', 'server'].filter((f) => existsSync(join(PROJECT_ROOT, f)))) {
    for (const file of sources(join(PROJECT_ROOT, folder))) {
      if (/-codes\.ts$/.test(file)) continue;
      for (const match of readFileSync(file, 'utf8').matchAll(prefixes)) if (!known.has(match[1]!)) missing.push(`${match[1]} (${file.slice(PROJECT_ROOT.length)})`);
    }
  }
  assert.deepEqual(missing, []);
});
