import type { JsonObject } from '../../../inventory/core/json-value.js';

/** What the backup policy driver observes on a host: its policies as installed and as their
 * series report them, and every schedule file pytin installed there. */
export interface BackupsFacts {
  policies: BackupPolicyFacts[];
  /** Every schedule file pytin installed on the host (by its marker), by file name. */
  installed: Array<{ file: string; text: string }>;
}

/** One policy on its host: the installed schedule and exclude file (null: absent), and the
 * series reports of `pytin backup list --json` (null: unreadable). */
export interface BackupPolicyFacts {
  name: string;
  cron: string | null;
  exclude: string | null;
  series: JsonObject[] | null;
}
