import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MAX_FILE_BYTES } from '../../../inventory/parse/decode-text.js';
import { MAX_SCHEMA_DIAGNOSTICS_PER_DOCUMENT } from '../../../inventory/validate/schema-diagnostics.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { labTexts, labWith, positionOfMarker, snapshotOf } from '../../support/lab-inventory.js';

// Inputs far larger than any real inventory. These tests say what is reported and that validation
// ends; how long it takes is printed by `npm run bench:validate-mapping`, never asserted here.

const at = (d: { code: string; subject?: { start: { line: number; col: number } } }) => `${d.code}@${d.subject?.start.line}:${d.subject?.start.col}`;

test('a file over the size limit is refused unparsed at 1:1, and the other files are still validated', () => {
  const texts = labTexts();
  texts.set('huge.yaml', `kind: Tenant\nname: huge\nbillingId: X\ndescription: ${'a'.repeat(MAX_FILE_BYTES)}\n`);
  const { diagnostics, state } = validateInventory(snapshotOf(texts));
  assert.deepEqual(
    diagnostics.map((d) => `${d.subject?.file} ${at(d)}`),
    ['huge.yaml INV_YAML_FILE_TOO_LARGE@1:1'],
  );
  assert.match(diagnostics[0]!.detail ?? '', /Split it into several files/);
  assert.equal(state.resources.size, validateInventory(snapshotOf(labTexts())).state.resources.size);
});

test('a document with thousands of schema errors reports the first ones at their places, then one summary where the rest begin', () => {
  const count = MAX_SCHEMA_DIAGNOSTICS_PER_DOCUMENT + 500;
  const lines = ['kind: Tenant', 'name: acme', 'billingId: C-1', 'labels:'];
  for (let i = 0; i < count; i++) lines.push(`  k${i}: [not, a, string]`);
  const text = lines.join('\n') + '\n';
  const { diagnostics } = validateInventory(snapshotOf(new Map([['a.yaml', text]])));
  assert.equal(diagnostics.length, MAX_SCHEMA_DIAGNOSTICS_PER_DOCUMENT + 1);
  const position = (key: string) => {
    const p = positionOfMarker(text, `  ${key}: [`);
    return `${p.line}:${p.col + 2 + key.length + 2}`;
  };
  assert.equal(at(diagnostics[0]!), `INV_SCHEMA_TYPE@${position('k0')}`);
  assert.equal(at(diagnostics[MAX_SCHEMA_DIAGNOSTICS_PER_DOCUMENT - 1]!), `INV_SCHEMA_TYPE@${position(`k${MAX_SCHEMA_DIAGNOSTICS_PER_DOCUMENT - 1}`)}`);
  const summary = diagnostics[MAX_SCHEMA_DIAGNOSTICS_PER_DOCUMENT]!;
  assert.equal(at(summary), `INV_SCHEMA_TOO_MANY_ERRORS@${position(`k${MAX_SCHEMA_DIAGNOSTICS_PER_DOCUMENT}`)}`);
  assert.equal(summary.address, 'tenant/acme');
});

test('thousands of documents in one file validate', () => {
  const documents = Array.from({ length: 5000 }, (_, i) => `kind: Tenant\nname: t${i}\nbillingId: C-${i}\n`);
  const { diagnostics, state } = validateInventory(snapshotOf(new Map([['tenants.yaml', documents.join('---\n')]])));
  assert.deepEqual(diagnostics, []);
  assert.equal(state.resources.size, 5000);
});

test('n copies of one pool give one overlap error per later copy, not one per pair', () => {
  const copies = Array.from({ length: 300 }, (_, i) => `---\nkind: IPPool\nname: copy-${i}\ndatacenter: lab1\ncidr: 198.51.100.0/26\n`).join('');
  const texts = labWith('network/pools.yaml', 'vlan: 10\n', `vlan: 10\n${copies}`);
  const overlaps = validateInventory(snapshotOf(texts)).diagnostics.filter((d) => d.code === 'INV_RULE_POOL_OVERLAP');
  assert.equal(overlaps.length, 300);
  assert.ok(overlaps.every((d) => d.address?.startsWith('pool/copy-')));
});
