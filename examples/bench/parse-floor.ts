// The floor of `bench:validate`: read every *.yaml file of an inventory folder and parse it with
// the `yaml` package, nothing else. Run as its own process so it is timed like `pytin validate`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

function walk(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.name.endsWith('.yaml')) out.push(path);
  }
  return out;
}

let documents = 0;
for (const file of walk(process.argv[2] ?? '.', [])) documents += parseAllDocuments(readFileSync(file, 'utf8')).length;
process.stdout.write(`${documents} documents\n`);
