import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MAX_ALIAS_COUNT, parseYamlFile } from '../../../inventory/parse/parse-yaml-file.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const at = (d: { code: string; subject?: { start: { line: number; col: number } } }) => `${d.code}@${d.subject?.start.line}:${d.subject?.start.col}`;

test('an alias repeats the most recent node with its anchor, sharing the value', () => {
  const parsed = parseYamlFile('a.yaml', bytes('kind: VM\na: &x {n: 1}\nb: &x {n: 2}\nc: *x\nd: *x\n'));
  const value = parsed.documents[0]!.value as Record<string, { n: number }>;
  assert.equal(value.c!.n, 2);
  assert.equal(value.c, value.d);
});

test('an alias to no anchor is reported at the alias', () => {
  assert.deepEqual(parseYamlFile('a.yaml', bytes('kind: VM\nname: a\nx: *missing\n')).diagnostics.map(at), ['INV_YAML_UNKNOWN_ALIAS@3:4']);
  // Anchors do not cross documents.
  assert.deepEqual(parseYamlFile('a.yaml', bytes('kind: VM\nx: &a 1\n---\nkind: VM\ny: *a\n')).diagnostics.map(at), ['INV_YAML_UNKNOWN_ALIAS@5:4']);
});

test('an alias inside its own anchored node is refused instead of making a cyclic value', () => {
  assert.deepEqual(parseYamlFile('a.yaml', bytes('kind: VM\nx: &a [1, *a]\n')).diagnostics.map(at), ['INV_YAML_RECURSIVE_ALIAS@2:11']);
});

test('alias expansion is refused at the alias that passes the limit, once per document', () => {
  // Each alias repeats a 1 + 9 node list; the limit is passed by alias number floor(limit / 10) + 1.
  const lines = ['kind: VM', `a: &a [${Array(9).fill('x').join(', ')}]`, 'b:'];
  const aliases = Math.floor(MAX_ALIAS_COUNT / 10) + 5;
  for (let i = 0; i < aliases; i++) lines.push('  - *a');
  const parsed = parseYamlFile('a.yaml', bytes(lines.join('\n') + '\n'));
  const passing = Math.floor(MAX_ALIAS_COUNT / 10) + 1;
  assert.deepEqual(parsed.diagnostics.map(at), [`INV_YAML_ALIAS_LIMIT@${3 + passing}:5`]);
});

test('many anchors and aliases resolve, each alias without a scan of the anchors before it', () => {
  // yaml's own toJS scanned every earlier anchor for each alias: 1,000 x 20,000 steps here.
  const lines = ['kind: VM', 'anchors:'];
  for (let i = 0; i < 20_000; i++) lines.push(`  - &x${i} v${i}`);
  lines.push('labels:');
  for (let i = 0; i < MAX_ALIAS_COUNT; i++) lines.push(`  b${i}: *x${19_999 - i}`);
  const parsed = parseYamlFile('a.yaml', bytes(lines.join('\n') + '\n'));
  assert.deepEqual(parsed.diagnostics, []);
  assert.equal((parsed.documents[0]!.value as { labels: Record<string, string> }).labels.b0, 'v19999');
});
