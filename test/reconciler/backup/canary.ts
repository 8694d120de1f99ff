import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What must not change of a file or folder outside what pytin owns: its entries, their content,
 * mode and modification time. */
export interface Canary {
  path: string;
  /** Asserts that nothing under `path` was created, removed, written or chmodded. */
  assertUntouched(message?: string): Promise<void>;
}

async function fingerprint(path: string): Promise<string[]> {
  if (
    !(await lstat(path).then(
      () => true,
      () => false,
    ))
  )
    return [`${path} was removed`];
  const lines: string[] = [];
  async function visit(p: string, relative: string): Promise<void> {
    const info = await lstat(p);
    const mode = (info.mode & 0o7777).toString(8);
    if (info.isDirectory()) {
      lines.push(`${relative}/ ${mode}`);
      for (const entry of (await readdir(p)).sort()) await visit(join(p, entry), `${relative}/${entry}`);
    } else {
      const content = info.isFile() ? (await readFile(p)).toString('base64') : '';
      lines.push(`${relative} ${mode} ${info.size} ${info.mtimeMs} ${content}`);
    }
  }
  await visit(path, '');
  return lines;
}

/** A file standing for /etc/passwd: what a link planted in the target points to. */
export async function canaryFile(path: string, content = 'root:x:0:0:root:/root:/bin/bash\nsecret-canary-line\n'): Promise<Canary> {
  await writeFile(path, content, { mode: 0o644 });
  return watch(path);
}

/** A folder standing for everything outside the target, with a file in it. */
export async function canaryFolder(path: string): Promise<Canary> {
  await mkdir(path, { recursive: true });
  await writeFile(join(path, 'precious'), 'must survive\n', { mode: 0o644 });
  return watch(path);
}

/** Watches what already exists at `path` (a file or a whole folder). */
export async function watch(path: string): Promise<Canary> {
  const before = await fingerprint(path);
  return {
    path,
    async assertUntouched(message) {
      assert.deepEqual(await fingerprint(path), before, message ?? `${path} was changed`);
    },
  };
}
