import type { Compression } from './compression.js';

export const DEFAULT_ITERATIONS = 15;
export const DEFAULT_KEEP_SEQUENCES = 1;

/** Everything one run of one series needs. A `BackupPolicy` of the inventory (host, source,
 * target, iterations, keepSequences, excludes) maps onto this directly; the CLI builds it from flags. */
export interface BackupRunOptions {
  source: string;
  target: string;
  /** Archives are `NAME-<n>.tar.gz` in the target. */
  name: string;
  iterations: number;
  keepSequences: number;
  compression: Compression;
  /** A file of tar exclude patterns, one per line (tar --exclude-from). */
  excludeFrom?: string;
  /** Exclude patterns given inline (tar --exclude), as a BackupPolicy lists them. */
  excludePatterns?: readonly string[];
  /** The user a per-user series belongs to; only used to name the series in messages. */
  user?: string;
  hooks?: BackupRunHooks;
}

export interface BackupRunHooks {
  /** Called with the pid of tar once it runs. */
  onTarStarted?: (pid: number) => void;
  /** Called when tar has exited, before the archive is committed: what a run costs besides tar
   * (lock, snapshot copy, fsyncs, checksum, index, pruning, log) is the rest (bench:backup). */
  onTarFinished?: () => void;
}

/** A per-user policy: one series per directory under `home`, each in `target/<user>/`. */
export interface PerUserBackupOptions extends Omit<BackupRunOptions, 'source' | 'target' | 'user'> {
  home: string;
  target: string;
}
