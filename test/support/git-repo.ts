import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { makeTempDir } from '../lab/daemon.js';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 't@example.invalid',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 't@example.invalid',
    },
  });
}

export function writeFiles(root: string, files: ReadonlyMap<string, string | Uint8Array>): void {
  for (const [path, content] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** Makes `dir` a git repository with everything in it committed; returns the commit id. */
export function commitAll(dir: string, message: string): string {
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', message);
  return git(dir, 'rev-parse', 'HEAD').trim();
}

/** A real git repository in a temp folder with `files` committed (under `prefix` when given). */
export async function makeRepo(
  files: ReadonlyMap<string, string | Uint8Array>,
  prefix = '',
): Promise<{ path: string; commit: string; remove(): Promise<void> }> {
  const dir = await makeTempDir('repo');
  writeFiles(prefix ? join(dir.path, prefix) : dir.path, files);
  return { path: dir.path, commit: commitAll(dir.path, 'inventory'), remove: dir.remove };
}
