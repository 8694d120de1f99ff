import type { Diagnostic } from '../core/diagnostic.js';

export interface InventoryFile {
  /** Path relative to the inventory root, with forward slashes. */
  path: string;
  bytes: Uint8Array;
}

/** Which content was read: a commit of the repository, or the files on disk. */
export interface InventoryRevision {
  /** The commit read (with --worktree: the HEAD the work tree is based on, `null` without commits). */
  commit: string | null;
  /** The ref as given (`HEAD` by default); `null` with --worktree. */
  ref: string | null;
  /** True when the files were read from disk (--worktree) rather than from the commit. */
  worktree: boolean;
  /** The inventory root inside the repository ('' for the repository's top). */
  path: string;
}

export interface InventorySnapshot {
  revision: InventoryRevision;
  /** The inventory root in the work tree, absolute: where `{file: PATH}` secrets and the default
   * store (.pytin/) are found, whichever revision the YAML was read at. */
  rootDir: string;
  files: InventoryFile[];
  /** The other files under the root at the same revision, up to AUX_FILE_LIMIT bytes each
   * (kickstart templates and other files the inventory refers to). */
  auxFiles: InventoryFile[];
  diagnostics: Diagnostic[];
}

/** Files other than YAML that are read with the inventory are small text: templates. */
export const AUX_FILE_LIMIT = 1024 * 1024;

/** Inventory files end in .yaml; .yml files are reported (and skipped) rather than silently ignored. */
export function isInventoryFileName(path: string): boolean {
  return path.endsWith('.yaml');
}

export function isMisnamedYaml(path: string): boolean {
  return path.endsWith('.yml');
}
