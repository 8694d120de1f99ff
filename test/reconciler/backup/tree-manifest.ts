import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** What a restore must reproduce of one entry: type, permission bits, content, link target. */
export interface ManifestEntry {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: string;
  sha256: string | null;
  linkTarget: string | null;
}

/** Path (relative, '' for the root) -> entry: a copy of a tree's observable state at one moment. */
export type TreeManifest = Map<string, ManifestEntry>;

export async function manifestOf(root: string): Promise<TreeManifest> {
  const manifest: TreeManifest = new Map();
  async function visit(relative: string): Promise<void> {
    const path = relative === '' ? root : join(root, relative);
    const info = await lstat(path);
    const mode = (info.mode & 0o7777).toString(8);
    if (info.isSymbolicLink()) {
      manifest.set(relative, { type: 'symlink', mode: 'n/a', sha256: null, linkTarget: await readlink(path) });
    } else if (info.isFile()) {
      manifest.set(relative, {
        type: 'file',
        mode,
        sha256: createHash('sha256')
          .update(await readFile(path))
          .digest('hex'),
        linkTarget: null,
      });
    } else if (info.isDirectory()) {
      manifest.set(relative, { type: 'dir', mode, sha256: null, linkTarget: null });
      for (const entry of (await readdir(path)).sort()) await visit(relative === '' ? entry : join(relative, entry));
    } else {
      manifest.set(relative, { type: 'other', mode, sha256: null, linkTarget: null });
    }
  }
  await visit('');
  return manifest;
}

/** Readable differences between two manifests, empty when they are equal. */
export function manifestDifferences(expected: TreeManifest, actual: TreeManifest): string[] {
  const problems: string[] = [];
  for (const [path, want] of expected) {
    const got = actual.get(path);
    if (!got) problems.push(`missing ${JSON.stringify(path)}`);
    else if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(`${JSON.stringify(path)}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  for (const path of actual.keys()) if (!expected.has(path)) problems.push(`unexpected ${JSON.stringify(path)} (should be deleted)`);
  return problems;
}
