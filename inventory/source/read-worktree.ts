import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import type { Diagnostic } from '../core/diagnostic.js';
import { fileTooLarge, MAX_FILE_BYTES } from '../parse/decode-text.js';
import { type GitLocation, inventoryRoot } from './git-repository.js';
import { AUX_FILE_LIMIT, type InventoryFile, type InventorySnapshot, isInventoryFileName, isMisnamedYaml } from './inventory-snapshot.js';
import { commitOf } from './read-at-commit.js';

/** Folders never part of an inventory. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.pytin']);

async function walk(root: string, relativeDir: string, out: string[]): Promise<void> {
  const entries = await readdir(join(root, relativeDir), { withFileTypes: true });
  for (const entry of entries) {
    const relativePath = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) await walk(root, relativePath, out);
    } else if (entry.isFile()) out.push(relativePath);
  }
}

/** The inventory as it is on disk (uncommitted edits included); the commit is the HEAD it sits on. */
export async function readInventoryWorktree(location: GitLocation): Promise<InventorySnapshot> {
  const commit = (await commitOf(location, 'HEAD')) ?? null;
  const root = location.prefix === '' ? location.topLevel : join(location.topLevel, location.prefix);
  const revision = { commit, ref: null, worktree: true, path: location.prefix };
  const paths: string[] = [];
  try {
    await walk(root, '', paths);
  } catch {
    return {
      revision,
      rootDir: root,
      files: [],
      auxFiles: [],
      diagnostics: [{ severity: 'error', code: 'INV_PATH_NOT_FOUND', summary: `the inventory folder ${root} does not exist` }],
    };
  }
  paths.sort();
  const diagnostics: Diagnostic[] = [];
  for (const path of paths.filter(isMisnamedYaml)) {
    diagnostics.push({
      severity: 'warning',
      code: 'INV_FILE_IGNORED',
      summary: `${path} is ignored: inventory files end in .yaml`,
      subject: { file: path, start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } },
    });
  }
  const files: InventoryFile[] = [];
  for (const path of paths.filter(isInventoryFileName)) {
    // Over the cap: refused from its size, never read.
    const { size } = await stat(join(root, path));
    if (size > MAX_FILE_BYTES) diagnostics.push(fileTooLarge(path, size));
    else files.push({ path, bytes: await readFile(join(root, path)) });
  }
  const auxFiles: InventoryFile[] = [];
  for (const path of paths.filter((p) => !isInventoryFileName(p) && !isMisnamedYaml(p))) {
    if ((await stat(join(root, path))).size <= AUX_FILE_LIMIT) auxFiles.push({ path, bytes: await readFile(join(root, path)) });
  }
  return { revision, rootDir: inventoryRoot(location), files, auxFiles, diagnostics };
}
