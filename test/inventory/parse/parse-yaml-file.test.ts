import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseYamlFile } from '../../../inventory/parse/parse-yaml-file.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { snapshotOf } from '../../support/lab-inventory.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const codes = (file: ReturnType<typeof parseYamlFile>) => file.diagnostics.map((d) => `${d.code}@${d.subject?.start.line}:${d.subject?.start.col}`);

test('a multi-document file gives one document per mapping, with its range', () => {
  const parsed = parseYamlFile('a.yaml', bytes('kind: Tenant\nname: a\nbillingId: X\n---\nkind: Tenant\nname: b\nbillingId: Y\n'));
  assert.equal(parsed.documents.length, 2);
  assert.equal(parsed.documents[1]!.range.start.line, 5);
  assert.deepEqual(parsed.diagnostics, []);
});

test('a syntax error points at its place', () => {
  assert.deepEqual(codes(parseYamlFile('a.yaml', bytes('kind: Tenant\nname: a: b\n'))), ['INV_YAML_SYNTAX@2:7']);
  assert.deepEqual(codes(parseYamlFile('a.yaml', bytes('kind: T\n\tname: x\n'))), ['INV_YAML_SYNTAX@2:1']);
});

test('a duplicate key is an error naming the key, at the second occurrence', () => {
  const parsed = parseYamlFile('a.yaml', bytes('kind: Tenant\nname: a\nname: b\n'));
  assert.deepEqual(codes(parsed), ['INV_YAML_DUPLICATE_KEY@3:1']);
  assert.match(parsed.diagnostics[0]!.summary, /"name" appears twice/);
});

test('a file that is not UTF-8 is reported at the first bad byte', () => {
  const parsed = parseYamlFile('a.yaml', Buffer.concat([bytes('kind: Tenant\nname: caf'), Buffer.from([0xe9]), bytes('\n')]));
  assert.deepEqual(codes(parsed), ['INV_YAML_NOT_UTF8@2:10']);
});

test('an empty file and a non-mapping document are diagnostics, not crashes', () => {
  assert.deepEqual(codes(parseYamlFile('a.yaml', bytes(''))), ['INV_YAML_EMPTY_FILE@1:1']);
  assert.deepEqual(codes(parseYamlFile('a.yaml', bytes('# only a comment\n'))), ['INV_YAML_EMPTY_FILE@1:1']);
  assert.deepEqual(codes(parseYamlFile('a.yaml', bytes('- a\n- b\n'))), ['INV_YAML_NOT_A_MAPPING@1:1']);
  assert.deepEqual(codes(parseYamlFile('a.yaml', bytes('just text\n'))), ['INV_YAML_NOT_A_MAPPING@1:1']);
});

test('anchors and aliases resolve', () => {
  const parsed = parseYamlFile('a.yaml', bytes('kind: VM\nlimits: &l {inbound: 1Gbit}\nother: *l\n'));
  assert.deepEqual((parsed.documents[0]!.value as { other: unknown }).other, { inbound: '1Gbit' });
});

test('an alias bomb is refused', () => {
  let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 8; i++)
    text += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  const parsed = parseYamlFile('a.yaml', bytes(text));
  assert.deepEqual(
    parsed.diagnostics.map((d) => d.code),
    ['INV_YAML_ALIAS_LIMIT'],
  );
});

test('absurd nesting is refused without a stack overflow', () => {
  const deepFlow = '['.repeat(100_000) + ']'.repeat(100_000);
  const flow = parseYamlFile('a.yaml', bytes(`kind: VM\nx: ${deepFlow}\n`));
  assert.ok(
    flow.diagnostics.some((d) => d.code === 'INV_YAML_TOO_DEEP' || d.code === 'INV_YAML_SYNTAX'),
    JSON.stringify(flow.diagnostics),
  );
  let block = 'kind: VM\n';
  for (let i = 0; i < 100; i++) block += `${'  '.repeat(i)}k${i}:\n`;
  const parsedBlock = parseYamlFile('a.yaml', bytes(block + `${'  '.repeat(100)}v\n`));
  assert.deepEqual(
    parsedBlock.diagnostics.map((d) => d.code),
    ['INV_YAML_TOO_DEEP'],
  );
});

test('validation of broken files reports and carries on with the others', () => {
  const texts = new Map<string, string | Uint8Array>([
    ['bad.yaml', 'kind: Tenant\nname: [\n'],
    ['good.yaml', 'kind: Tenant\nname: acme\nbillingId: C-1\n'],
    ['latin1.yaml', Buffer.from([0x6b, 0x3a, 0x20, 0xff])],
  ]);
  const result = validateInventory(snapshotOf(texts));
  assert.ok(result.state.resources.has('tenant/acme'));
  assert.deepEqual(
    result.diagnostics.map((d) => `${d.subject?.file} ${d.code}`),
    ['bad.yaml INV_YAML_SYNTAX', 'latin1.yaml INV_YAML_NOT_UTF8'],
  );
});

test('unknown and missing kinds are named', () => {
  const result = validateInventory(snapshotOf(new Map([['a.yaml', 'kind: Toaster\nname: t\n---\nname: nokind\n']])));
  assert.deepEqual(
    result.diagnostics.map((d) => `${d.code}@${d.subject?.start.line}:${d.subject?.start.col}`),
    ['INV_SCHEMA_UNKNOWN_KIND@1:7', 'INV_SCHEMA_MISSING_KIND@4:1'],
  );
});
