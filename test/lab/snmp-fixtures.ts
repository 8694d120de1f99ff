import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file with a package.json (this file runs
 * from dist/test/lab/, so the source tree's position is not assumed). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 10; depth++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('no package.json above test/lab');
}

/** The shared recordings of real switches: `../shared/fixtures/snmp` next to the repository. */
export function snmpFixturesDir(): string {
  return resolve(repoRoot(), '../shared/fixtures/snmp');
}

/** Names (without `.snmprec.bz2`) of every recording that has an `.expected.json` beside it. */
export async function recordedDevices(dir = snmpFixturesDir()): Promise<string[]> {
  const files = new Set(await readdir(dir));
  return [...files]
    .filter((f) => f.endsWith('.snmprec.bz2') && files.has(f.replace(/\.snmprec\.bz2$/, '.expected.json')))
    .map((f) => f.replace(/\.snmprec\.bz2$/, ''))
    .sort();
}
