import { existsSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';

import { type SimpleGit, simpleGit } from 'simple-git';

import type { Diagnostic } from '../core/diagnostic.js';

export interface GitLocation {
  git: SimpleGit;
  /** Absolute path of the repository's top-level folder. */
  topLevel: string;
  /** The inventory root relative to the top level, forward slashes, '' for the top itself. */
  prefix: string;
}

function problem(code: string, summary: string, detail?: string): Diagnostic {
  return { severity: 'error', code, summary, ...(detail ? { detail } : {}) };
}

/** Finds the repository that holds `repoDir` and the inventory root `repoDir/path` within it. */
export async function locateRepository(repoDir: string, path: string | undefined): Promise<GitLocation | Diagnostic> {
  const absolute = resolve(repoDir);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    return problem('INV_GIT_NOT_A_REPOSITORY', `--repo ${repoDir} is not a folder`);
  }
  const git = simpleGit({ baseDir: absolute, binary: 'git', maxConcurrentProcesses: 4, trimmed: false });
  let topLevel: string;
  try {
    topLevel = (await git.revparse(['--show-toplevel'])).trim();
  } catch {
    return problem(
      'INV_GIT_NOT_A_REPOSITORY',
      `${repoDir} is not inside a git repository`,
      'pytin reads the desired state from git. Run `git init` and commit the inventory, or pass --repo DIR.',
    );
  }
  const root = resolve(absolute, path ?? '.');
  const prefix = relative(topLevel, root).split(sep).join('/');
  if (prefix.startsWith('..')) {
    return problem('INV_PATH_NOT_FOUND', `--path ${path} leaves the repository ${topLevel}`);
  }
  return { git: simpleGit({ baseDir: topLevel, binary: 'git', maxConcurrentProcesses: 4, trimmed: false }), topLevel, prefix };
}

/** The inventory root in the work tree, absolute. */
export function inventoryRoot(location: GitLocation): string {
  return location.prefix === '' ? location.topLevel : resolve(location.topLevel, location.prefix);
}

/** The files git tracks in the work tree of the repository holding `repoDir` at or under each of
 * `paths` (absolute). A path outside the repository tracks nothing. */
export async function trackedFilesUnder(repoDir: string, paths: readonly string[]): Promise<string[]> {
  const git = simpleGit({ baseDir: repoDir, binary: 'git', trimmed: false });
  let topLevel: string;
  try {
    topLevel = (await git.revparse(['--show-toplevel'])).trim();
  } catch {
    return [];
  }
  const inside = paths.map((p) => relative(topLevel, resolve(p))).filter((rel) => rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep));
  if (inside.length === 0) return [];
  const listed = await simpleGit({ baseDir: topLevel, binary: 'git', trimmed: false }).raw([
    'ls-files',
    '-z',
    '--',
    ...inside.map((rel) => rel.split(sep).join('/')),
  ]);
  return listed
    .split('\0')
    .filter(Boolean)
    .map((rel) => resolve(topLevel, rel));
}
