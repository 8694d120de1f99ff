import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { SCHEMA_FILES } from '../../../schemas/kinds.js';
import { readSchemaFile } from '../../../schemas/schema-registry.js';
import { type Command, stringOption } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'write the inventory JSON Schemas (for editors and other tools), or print the any-document schema',
  synopsis: '[--out DIR]',
  options: { out: { type: 'string', valueName: 'DIR', description: 'write every schema file into DIR (created if missing)' } },
  async run(args, io) {
    const out = stringOption(args, 'out');
    if (out === undefined) {
      io.stdout.write(JSON.stringify(readSchemaFile('inventory.schema.json'), null, 2) + '\n');
      return EXIT_OK;
    }
    const dir = resolve(io.cwd, out);
    await mkdir(dir, { recursive: true });
    for (const file of SCHEMA_FILES) await writeFile(join(dir, file), JSON.stringify(readSchemaFile(file), null, 2) + '\n');
    io.stdout.write(
      `Wrote ${SCHEMA_FILES.length} schemas to ${dir}. Point an editor at inventory.schema.json:\n  # yaml-language-server: $schema=${join(dir, 'inventory.schema.json')}\n`,
    );
    return EXIT_OK;
  },
};
