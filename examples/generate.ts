#!/usr/bin/env node
// Writes a large synthetic inventory: `node dist/examples/generate.js --out DIR [--racks N]
// [--servers N] [--vms N] [--pools N] [--datacenters N] [--tenants N] [--seed N]`.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { DEFAULT_PARAMETERS, generateInventory, type GeneratorParameters } from './generator/generate-inventory.js';

const numeric = Object.keys(DEFAULT_PARAMETERS) as Array<keyof GeneratorParameters>;
const { values } = parseArgs({
  options: { out: { type: 'string' }, ...Object.fromEntries(numeric.map((k) => [k, { type: 'string' as const }])) },
  strict: true,
});
if (!values.out) {
  process.stderr.write(`usage: generate --out DIR ${numeric.map((k) => `[--${k} N]`).join(' ')}\n`);
  process.exit(1);
}
const parameters = { ...DEFAULT_PARAMETERS };
for (const key of numeric) {
  const raw = (values as Record<string, string | undefined>)[key];
  if (raw === undefined) continue;
  if (!/^\d+$/.test(raw)) {
    process.stderr.write(`--${key} must be a whole number, got "${raw}"\n`);
    process.exit(1);
  }
  parameters[key] = Number(raw);
}
try {
  const files = await generateInventory(resolve(values.out), parameters);
  process.stdout.write(`Wrote ${files.size} files to ${resolve(values.out)} (${JSON.stringify(parameters)}).\n`);
} catch (error) {
  process.stderr.write(`generate: ${(error as Error).message}\n`);
  process.exit(1);
}
