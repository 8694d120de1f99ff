import { simpleGit } from 'simple-git';

import type { Diagnostic } from '../core/diagnostic.js';
import { TransportError } from '../core/errors.js';
import { fileTooLarge, MAX_FILE_BYTES } from '../parse/decode-text.js';
import { type GitLocation, inventoryRoot } from './git-repository.js';
import { AUX_FILE_LIMIT, type InventoryFile, type InventorySnapshot, isInventoryFileName, isMisnamedYaml } from './inventory-snapshot.js';

interface TreeEntry {
  blob: string;
  /** NaN when git could not read the object (ls-tree then prints a size of `BAD`, or `-`). */
  size: number;
  /** Path relative to the inventory root. */
  path: string;
}

const REPAIR_HINT = 'The repository is damaged: run `git fsck` in it, then fetch or clone it again.';

/** The first lines git printed, without simple-git's wrapping. */
function gitMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .slice(0, 3)
      .join(' / ') || 'no message'
  );
}

/** Blobs per `git show` call: keeps the command line far below the kernel's argument limit. */
const BLOBS_PER_CALL = 1500;

/** The commit id a ref names, or undefined. (`rev-parse --quiet` may fail silently with empty output.) */
export async function commitOf(location: GitLocation, ref: string): Promise<string | undefined> {
  try {
    const id = (await location.git.revparse(['--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim();
    return /^[0-9a-f]{40,64}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

async function resolveCommit(location: GitLocation, ref: string): Promise<string | Diagnostic> {
  const commit = await commitOf(location, ref);
  if (commit) return commit;
  {
    const hasCommits = (await commitOf(location, 'HEAD')) !== undefined;
    return {
      severity: 'error',
      code: 'INV_GIT_UNKNOWN_REF',
      summary: hasCommits ? `unknown revision "${ref}" in ${location.topLevel}` : `the repository ${location.topLevel} has no commit yet`,
      detail: hasCommits ? 'Pass a branch, tag or commit id with --ref.' : 'Commit the inventory, or read the files on disk with --worktree.',
    };
  }
}

async function listTree(location: GitLocation, commit: string): Promise<TreeEntry[]> {
  const args = ['ls-tree', '-r', '-z', '-l', '--full-tree', commit];
  if (location.prefix !== '') args.push('--', `${location.prefix}/`);
  const output = await location.git.raw(args);
  const entries: TreeEntry[] = [];
  const strip = location.prefix === '' ? 0 : location.prefix.length + 1;
  for (const record of output.split('\0')) {
    if (record === '') continue;
    // "<mode> SP <type> SP <object> SP+ <size> TAB <path>"
    const tab = record.indexOf('\t');
    const [, type, blob, size] = record.slice(0, tab).split(/ +/);
    if (type !== 'blob') continue;
    entries.push({ blob: blob!, size: Number(size), path: record.slice(tab + 1).slice(strip) });
  }
  return entries;
}

/** Reads many blobs with few processes: `git show` prints blobs back to back, and ls-tree gave each size. */
async function readBlobs(location: GitLocation, entries: readonly TreeEntry[]): Promise<InventoryFile[]> {
  const files: InventoryFile[] = [];
  for (let i = 0; i < entries.length; i += BLOBS_PER_CALL) {
    const batch = entries.slice(i, i + BLOBS_PER_CALL);
    const chunks: Buffer[] = [];
    // A git instance of its own: the output handler is how simple-git hands out the raw bytes.
    const git = simpleGit({ baseDir: location.topLevel, trimmed: false }).outputHandler((_command, stdout) => {
      stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    });
    await git.raw(['show', ...batch.map((entry) => entry.blob)]);
    const all = Buffer.concat(chunks);
    let offset = 0;
    for (const entry of batch) {
      files.push({ path: entry.path, bytes: all.subarray(offset, offset + entry.size) });
      offset += entry.size;
    }
    if (offset !== all.length) {
      throw new TransportError(`git show returned ${all.length} bytes for blobs totalling ${offset}`, false);
    }
  }
  return files;
}

/** The inventory as committed at `ref`: no checkout, the work tree is not touched. */
export async function readInventoryAtCommit(location: GitLocation, ref: string): Promise<InventorySnapshot> {
  const revision = { commit: null as string | null, ref, worktree: false, path: location.prefix };
  const commit = await resolveCommit(location, ref);
  if (typeof commit !== 'string') return { revision, rootDir: inventoryRoot(location), files: [], auxFiles: [], diagnostics: [commit] };
  revision.commit = commit;
  const gitFailed = (summary: string, detail: string): InventorySnapshot => ({
    revision,
    rootDir: inventoryRoot(location),
    files: [],
    auxFiles: [],
    // No file at all rather than the readable ones: an inventory with a file missing would plan
    // the destruction of everything that file describes.
    diagnostics: [{ severity: 'error', code: 'INV_GIT_FAILED', summary, detail }],
  });
  const at = `${ref} (${commit.slice(0, 12)})`;
  let tree: TreeEntry[];
  try {
    tree = await listTree(location, commit);
  } catch (error) {
    return gitFailed(`git could not list the inventory at ${at}: ${gitMessage(error)}`, REPAIR_HINT);
  }
  // git ls-tree exits 0 with a size of "BAD" for an object it cannot unpack.
  const unreadable = tree.filter((entry) => !Number.isFinite(entry.size));
  if (unreadable.length > 0) {
    return gitFailed(
      `git cannot read ${unreadable.map((e) => e.path).join(', ')} at ${at}: object ${unreadable.map((e) => e.blob).join(', ')} is corrupt or missing`,
      REPAIR_HINT,
    );
  }
  const diagnostics: Diagnostic[] = [];
  if (location.prefix !== '' && tree.length === 0) {
    diagnostics.push({
      severity: 'error',
      code: 'INV_PATH_NOT_FOUND',
      summary: `the inventory path "${location.prefix}" holds no file at ${ref} (${commit.slice(0, 12)})`,
    });
  }
  for (const entry of tree) {
    if (isMisnamedYaml(entry.path)) {
      diagnostics.push({
        severity: 'warning',
        code: 'INV_FILE_IGNORED',
        summary: `${entry.path} is ignored: inventory files end in .yaml`,
        subject: { file: entry.path, start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } },
      });
    }
  }
  // An inventory file over the cap is refused from the size ls-tree gave: its bytes are never read.
  for (const entry of tree.filter((e) => isInventoryFileName(e.path) && e.size > MAX_FILE_BYTES)) diagnostics.push(fileTooLarge(entry.path, entry.size));
  const wanted = tree.filter(
    (entry) =>
      (isInventoryFileName(entry.path) && entry.size <= MAX_FILE_BYTES) ||
      (!isMisnamedYaml(entry.path) && !isInventoryFileName(entry.path) && entry.size <= AUX_FILE_LIMIT),
  );
  let read: InventoryFile[];
  try {
    read = await readBlobs(location, wanted);
  } catch (error) {
    if (error instanceof TransportError) throw error;
    return gitFailed(`git could not read the inventory files at ${at}: ${gitMessage(error)}`, REPAIR_HINT);
  }
  const files = read.filter((f) => isInventoryFileName(f.path));
  const auxFiles = read.filter((f) => !isInventoryFileName(f.path));
  return { revision, rootDir: inventoryRoot(location), files, auxFiles, diagnostics };
}
