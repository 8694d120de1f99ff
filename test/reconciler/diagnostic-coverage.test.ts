import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

import ts from 'typescript';

import { CATALOGUES } from '../../reconciler/diagnostic-catalogue.js';
import { PROJECT_ROOT } from '../support/lab-inventory.js';

// Every catalogued code is exercised by a test (it appears in a string or regular expression of a
// test file), or is listed with a reason in one of two files:
// - diagnostic-codes.untested.txt: reachable, not tested yet. This list must only shrink; a code
//   that a test exercises must leave it. New codes go here (or, better, get a test).
// - diagnostic-codes.unreachable.txt: no operator can cause it (an internal guard), with why.
// Format of both: `CODE  reason`, one a line; `#` starts a comment.

const TEST_DIR = join(PROJECT_ROOT, 'test');
const LISTS = { untested: 'diagnostic-codes.untested.txt', unreachable: 'diagnostic-codes.unreachable.txt' } as const;

const catalogued = new Set(Object.values(CATALOGUES).flatMap((catalogue) => Object.keys(catalogue)));
const PREFIXES = [...new Set([...catalogued].map((c) => c.split('_')[0]!))];
const CODE = new RegExp(`\\b((?:${PREFIXES.join('|')})_[A-Z0-9_]+)\\b`, 'g');

/** Every file of the test tree but the code lists themselves. */
function testFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) testFiles(path, out);
    else if (!/^diagnostic-codes\..*\.txt$/.test(name) && !name.endsWith('.d.ts') && !name.endsWith('.bz2')) out.push(path);
  }
  return out;
}

/** Strings, template parts and regular expressions of a file (never comments or identifiers). */
function literalTexts(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node) ||
      ts.isRegularExpressionLiteral(node)
    )
      out.push(node.text);
    node.forEachChild(visit);
  };
  visit(source);
  return out;
}

/** Codes that some test file names, with the first file naming each: in a literal of a test
 * source, anywhere in a fixture (an expected-diagnostics file of the corpus). The catalogue tests
 * themselves do not count: naming a code in a list is not exercising it. */
function exercisedCodes(): Map<string, string> {
  const exercised = new Map<string, string>();
  for (const file of testFiles(TEST_DIR)) {
    if (/diagnostic-(catalogue|coverage)\.test\.ts$/.test(file)) continue;
    for (const text of file.endsWith('.ts') ? literalTexts(file) : [readFileSync(file, 'utf8')]) {
      for (const match of text.matchAll(CODE)) if (!exercised.has(match[1]!)) exercised.set(match[1]!, relative(PROJECT_ROOT, file));
    }
  }
  return exercised;
}

function readList(file: string): Map<string, string> {
  const entries = new Map<string, string>();
  const lines = readFileSync(join(TEST_DIR, 'reconciler', file), 'utf8').split('\n');
  lines.forEach((line, i) => {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) return;
    const [code, ...reason] = text.split(/\s+/);
    assert.ok(!entries.has(code!), `${file}:${i + 1}: ${code} is listed twice`);
    assert.ok(
      reason.join(' ').length >= 10,
      `${file}:${i + 1}: ${code} needs a reason (why it is ${file.includes('unreachable') ? 'unreachable' : 'not tested yet'})`,
    );
    entries.set(code!, reason.join(' '));
  });
  return entries;
}

const exercised = exercisedCodes();
const untested = readList(LISTS.untested);
const unreachable = readList(LISTS.unreachable);

test('the scan sees codes in strings, template strings and regular expressions of tests', () => {
  assert.ok(exercised.size > 100, `${exercised.size} codes found`);
  assert.ok(exercised.has('APPLY_STALE_PLAN'), 'a code inside a regular expression is seen');
});

test('every catalogued code is exercised by a test or listed with a reason', () => {
  const unaccounted = [...catalogued].filter((code) => !exercised.has(code) && !untested.has(code) && !unreachable.has(code)).sort();
  assert.deepEqual(
    unaccounted,
    [],
    `test these codes, or add each to test/reconciler/${LISTS.untested} as "CODE  why it is not tested yet" ` +
      `(or to ${LISTS.unreachable} with why no operator can cause it)`,
  );
});

test('the lists only hold catalogued codes that no test exercises (they shrink as tests land)', () => {
  for (const [name, list] of [
    [LISTS.untested, untested],
    [LISTS.unreachable, unreachable],
  ] as const) {
    const unknown = [...list.keys()].filter((code) => !catalogued.has(code));
    assert.deepEqual(unknown, [], `${name} lists codes that are not catalogued`);
    const tested = [...list.keys()].filter((code) => exercised.has(code)).map((code) => `${code} (${exercised.get(code)})`);
    assert.deepEqual(tested, [], `${name}: these codes are exercised by a test now; remove them from the list`);
  }
  const both = [...untested.keys()].filter((code) => unreachable.has(code));
  assert.deepEqual(both, [], 'a code is either untested or unreachable, not both');
});
