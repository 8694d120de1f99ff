import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { BackupCode } from '../backup-codes.js';

/** Stops a run with one error diagnostic. */
export type Fail = (code: BackupCode, summary: string, detail?: string) => never;

/** Thrown inside a run to stop it with one diagnostic; never escapes runBackup. */
export class RunStop extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.summary);
  }
}
