// Runs after tsc in `npm run build` (and so in `prepare`, `pretest` and `test:fast`).
//
// 1. The bin is made executable whatever rebuilt dist/: tsc writes files 0644 and npm sets the bit
//    only when it links a package, so after a rebuild `npx pytin` failed with "Permission denied"
//    whenever npm did not relink.
// 2. The commit the build came from is recorded beside the code for `pytin --version`, since an
//    installed package (npm pack, npm install -g) has no git repository to ask.
import { execFileSync } from 'node:child_process';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { BUILD_INFO_FILE, type BuildInfo } from './build-info.js';

const projectRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = fileURLToPath(new URL('../pytin.js', import.meta.url));

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined; // not a git checkout (a source tarball): the build says so
  }
}

const commit = git(['rev-parse', 'HEAD']);
const info: BuildInfo = {
  commit: commit ?? null,
  // Tracked files edited since the commit: the build is not exactly that commit.
  dirty: commit !== undefined && (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
};
writeFileSync(BUILD_INFO_FILE, `${JSON.stringify(info)}\n`);
chmodSync(bin, statSync(bin).mode | 0o111);
