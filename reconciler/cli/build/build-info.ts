import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What `npm run build` records about the tree it compiled (see finish-build.ts). */
export interface BuildInfo {
  /** The git commit dist/ was built from; null when built outside a git checkout. */
  commit: string | null;
  /** Tracked files differed from that commit when it was built. */
  dirty: boolean;
}

/** dist/build-info.json: beside the compiled code, so it travels with `npm pack`. */
export const BUILD_INFO_FILE = fileURLToPath(new URL('../../../build-info.json', import.meta.url));
const PACKAGE_JSON = fileURLToPath(new URL('../../../../package.json', import.meta.url));

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** `pytin 0.1.0 (commit 0123456789ab)`, `(commit …, modified)` for a dirty build, `(commit unknown)`. */
export function versionLine(): string {
  const pkg = readJson(PACKAGE_JSON) as { version?: unknown } | undefined;
  const version = typeof pkg?.version === 'string' ? pkg.version : 'unknown';
  const info = readJson(BUILD_INFO_FILE) as Partial<BuildInfo> | undefined;
  const commit = typeof info?.commit === 'string' ? info.commit.slice(0, 12) : 'unknown';
  return `pytin ${version} (commit ${commit}${info?.dirty === true ? ', modified' : ''})`;
}
