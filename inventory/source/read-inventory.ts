import { resolve } from 'node:path';

import { locateRepository } from './git-repository.js';
import type { InventorySnapshot } from './inventory-snapshot.js';
import { readInventoryAtCommit } from './read-at-commit.js';
import { readInventoryWorktree } from './read-worktree.js';

export interface InventorySourceOptions {
  /** A folder inside the inventory repository (default: the current directory). */
  repo: string;
  /** The inventory root, relative to `repo` (default: `repo` itself). */
  path?: string;
  /** The revision to read (default HEAD); ignored with `worktree`. */
  ref?: string;
  /** Read the files on disk instead of a commit. */
  worktree?: boolean;
}

/** Reads the inventory's files at a revision of its git repository, or from the work tree. */
export async function readInventory(options: InventorySourceOptions): Promise<InventorySnapshot> {
  const location = await locateRepository(options.repo, options.path);
  if ('severity' in location) {
    return {
      revision: { commit: null, ref: options.ref ?? 'HEAD', worktree: options.worktree === true, path: options.path ?? '' },
      rootDir: resolve(options.repo, options.path ?? '.'),
      files: [],
      auxFiles: [],
      diagnostics: [location],
    };
  }
  return options.worktree ? readInventoryWorktree(location) : readInventoryAtCommit(location, options.ref ?? 'HEAD');
}
