import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SCHEMA_FILES } from '../../schemas/kinds.js';
import { readSchemaFile, schemaRegistry } from '../../schemas/schema-registry.js';

function undocumented(schema: unknown, path: string, out: string[]): void {
  if (schema === null || typeof schema !== 'object') return;
  const node = schema as Record<string, unknown>;
  const properties = node.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [name, property] of Object.entries(properties ?? {})) {
    // A $ref to a common definition carries that definition's description (checked below).
    const documented = (typeof property.description === 'string' && property.description.length >= 4) || typeof property.$ref === 'string';
    if (!documented) out.push(`${path}.${name}`);
    undocumented(property, `${path}.${name}`, out);
  }
  for (const key of ['items', 'additionalProperties']) undocumented(node[key], `${path}[]`, out);
  for (const [name, def] of Object.entries((node.definitions as Record<string, unknown>) ?? {})) {
    if (typeof (def as { description?: unknown }).description !== 'string') out.push(`${path}#${name}`);
    undocumented(def, `${path}#${name}`, out);
  }
}

test('every field of every schema is documented', () => {
  const missing: string[] = [];
  for (const file of SCHEMA_FILES) undocumented(readSchemaFile(file), file, missing);
  assert.deepEqual(missing, []);
});

test('the schemas compile once in strict mode and fill defaults', () => {
  const { validators } = schemaRegistry();
  const policy: Record<string, unknown> = { kind: 'BackupPolicy', name: 'p', host: 'h', source: '/srv', target: '/backup' };
  assert.equal(validators.BackupPolicy(policy), true);
  assert.equal(policy.iterations, 15);
  assert.equal(policy.keepSequences, 1);
  assert.equal(schemaRegistry().validators, validators);
});

test('a backup policy needs exactly one of source and perUserHome', () => {
  const { validators } = schemaRegistry();
  assert.equal(validators.BackupPolicy({ kind: 'BackupPolicy', name: 'p', host: 'h', target: '/b' }), false);
  assert.equal(validators.BackupPolicy({ kind: 'BackupPolicy', name: 'p', host: 'h', target: '/b', source: '/a', perUserHome: '/home' }), false);
});
