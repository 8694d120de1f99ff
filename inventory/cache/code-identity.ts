import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SCHEMA_DIR } from '../../schemas/schema-registry.js';

/** Version of the cache's own layout and of what its entries hold; raise it when either changes
 * in a way the code hash below would not show (it shows every change to the compiled code). */
const CACHE_FORMAT = 2;

/** The compiled inventory and schema code (everything that parses and checks a file) and the JSON
 * Schemas: any change to one makes a new identity, whether or not the version was raised — a
 * build of an edited work tree has the version and commit of the last commit. */
const CODE_FOLDERS = [fileURLToPath(new URL('../', import.meta.url)), fileURLToPath(new URL('../../schemas/', import.meta.url))];

/** The libraries whose behaviour is part of the result: the YAML parser, the schema checker and
 * those the schema formats call (every package inventory/ and schemas/ import but simple-git). */
const LIBRARIES = ['yaml', 'ajv', 'ip-address', 'croner'];

function filesUnder(folder: string, suffixes: readonly string[]): string[] {
  let entries;
  try {
    entries = readdirSync(folder, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && suffixes.some((s) => e.name.endsWith(s)))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The build record `npm run build` writes (reconciler/cli/build/finish-build.ts): commit and
 * whether the tree was modified. Read as text: only its change matters here. */
const BUILD_INFO = fileURLToPath(new URL('../../build-info.json', import.meta.url));

function textOf(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return 'none';
  }
}

/** What made a cache entry: the cache format, pytin's version and build, Node's and the libraries'
 * versions, and a hash of the code and schemas. Entries made under another identity are never
 * used. `folders` is for tests. */
export function codeIdentity(folders: readonly string[] = CODE_FOLDERS): string {
  const require = createRequire(import.meta.url);
  const hash = createHash('sha256');
  hash.update(`format ${CACHE_FORMAT}\nnode ${process.version}\n`);
  const pytin = require('../../../package.json') as { version?: string };
  hash.update(`pytin ${pytin.version ?? 'unknown'} build ${textOf(BUILD_INFO)}\n`);
  for (const library of LIBRARIES) hash.update(`${library} ${(require(`${library}/package.json`) as { version?: string }).version ?? 'unknown'}\n`);
  const code = folders.flatMap((folder) => filesUnder(folder, ['.js']).map((file) => [folder, file] as const));
  const schemas = filesUnder(SCHEMA_DIR, ['.json']).map((file) => [SCHEMA_DIR, file] as const);
  for (const [folder, file] of [...code, ...schemas]) {
    const bytes = readFileSync(file);
    hash.update(`${relative(folder, file)} ${bytes.length}\n`).update(bytes);
  }
  return hash.digest('hex');
}
