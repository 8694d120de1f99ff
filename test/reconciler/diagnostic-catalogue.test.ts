import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import ts from 'typescript';

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

const catalogued = new Map<string, string>();
for (const [area, catalogue] of Object.entries(CATALOGUES)) for (const code of Object.keys(catalogue)) catalogued.set(code, area);
const PREFIXES = [...new Set([...catalogued.keys()].map((c) => c.split('_')[0]!))];
const CODE = new RegExp(`\\b((?:${PREFIXES.join('|')})_[A-Z0-9_]+)\\b`, 'g');

/** The text of every string in a source file: quoted strings and the literal parts of template
 * strings (`${'`'}APPLY_SKIPPED: ...${'`'}`), read with the TypeScript parser so nothing in a comment or
 * an identifier counts. */
function stringTexts(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node))
      out.push(node.text);
    node.forEachChild(visit);
  };
  visit(source);
  return out;
}

/** Codes the sources use anywhere in a string, with the file that uses each. */
function usedCodes(): Array<{ code: string; file: string }> {
  const used: Array<{ code: string; file: string }> = [];
  for (const folder of ['schemas', 'inventory', 'reconciler', 'server'].filter((f) => existsSync(join(PROJECT_ROOT, f)))) {
    for (const file of sources(join(PROJECT_ROOT, folder))) {
      if (/-codes\.ts$/.test(file)) continue;
      for (const text of stringTexts(file)) for (const match of text.matchAll(CODE)) used.push({ code: match[1]!, file: file.slice(PROJECT_ROOT.length) });
    }
  }
  return used;
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

test('every diagnostic code the sources use, in any string or template string, is catalogued', () => {
  const used = usedCodes();
  assert.ok(used.length > 100, 'the scan finds the codes the sources use');
  assert.ok(
    used.some((u) => u.code === 'APPLY_SKIPPED'),
    'codes inside template strings are seen',
  );
  const missing = used.filter((u) => !catalogued.has(u.code)).map((u) => `${u.code} (${u.file})`);
  assert.deepEqual([...new Set(missing)], []);
});

test('codes are permanent: every code ever released is still in a catalogue, and every new one is recorded', () => {
  const released = readFileSync(join(PROJECT_ROOT, 'test', 'reconciler', 'diagnostic-codes.released.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const removed = released.filter((code) => !catalogued.has(code));
  assert.deepEqual(removed, [], 'a released code was removed or renamed: codes are never retired; mark it unused in its catalogue instead');
  const unrecorded = [...catalogued.keys()].filter((code) => !released.includes(code));
  assert.deepEqual(unrecorded, [], 'a new code: add it to test/reconciler/diagnostic-codes.released.txt');
});
