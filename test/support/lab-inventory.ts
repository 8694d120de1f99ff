import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { InventoryFile, InventorySnapshot } from '../../inventory/source/inventory-snapshot.js';

/** The repository root (tests run from dist/test/..., sources stay at the top). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const LAB_DIR = join(PROJECT_ROOT, 'examples', 'lab');

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    // .pytin/ is the demo's local state (store, keys), never part of the inventory.
    if (name === '.pytin') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
}

/** The lab example's files as text, keyed by path relative to the lab root. */
export function labTexts(): Map<string, string> {
  const paths: string[] = [];
  walk(LAB_DIR, paths);
  return new Map(paths.sort().map((p) => [relative(LAB_DIR, p).split(sep).join('/'), readFileSync(p, 'utf8')]));
}

export function snapshotOf(texts: ReadonlyMap<string, string | Uint8Array>): InventorySnapshot {
  const all: InventoryFile[] = [...texts].map(([path, content]) => ({ path, bytes: typeof content === 'string' ? Buffer.from(content, 'utf8') : content }));
  const files = all.filter((f) => f.path.endsWith('.yaml'));
  const auxFiles = all.filter((f) => !f.path.endsWith('.yaml'));
  return { revision: { commit: null, ref: null, worktree: true, path: '' }, rootDir: LAB_DIR, files, auxFiles, diagnostics: [] };
}

/** 1-based line:col of the first occurrence of `marker` in `text`. */
export function positionOfMarker(text: string, marker: string): { line: number; col: number } {
  const offset = text.indexOf(marker);
  if (offset < 0) throw new Error(`marker ${JSON.stringify(marker)} not found`);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

/** The lab with one text replacement in one file (the replacement must apply). */
export function labWith(file: string, find: string | RegExp, replace: string): Map<string, string> {
  const texts = labTexts();
  const text = texts.get(file);
  if (text === undefined) throw new Error(`no lab file ${file}`);
  const edited = text.replace(find, replace);
  if (edited === text) throw new Error(`edit of ${file} did not apply: ${String(find)}`);
  texts.set(file, edited);
  return texts;
}
