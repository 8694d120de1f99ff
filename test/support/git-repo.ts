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

/** A real git repository in a temp folder with `files` committed (under `prefix` when given). */
export async function makeRepo(
  files: ReadonlyMap<string, string | Uint8Array>,
  prefix = '',
): Promise<{ path: string; commit: string; remove(): Promise<void> }> {
  const dir = await makeTempDir('repo');
  git(dir.path, 'init', '-q', '-b', 'main');
  writeFiles(prefix ? join(dir.path, prefix) : dir.path, files);
  git(dir.path, 'add', '-A');
  git(dir.path, 'commit', '-qm', 'inventory');
  return { path: dir.path, commit: git(dir.path, 'rev-parse', 'HEAD').trim(), remove: dir.remove };
}
