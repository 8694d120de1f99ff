import { makeAddress } from '../../inventory/core/address.js';
import type { Diagnostic, Severity } from '../../inventory/core/diagnostic.js';
import type { BackupCode } from './backup-codes.js';
import { isSeriesName, isUserName } from './series/series-files.js';

/** The address of a series: `backup/NAME`, or `backup/NAME/USER` for one user of a per-user policy.
 * A name or user that fails its pattern shows as "?": it may hold a newline or worse. */
export function seriesAddress(name: string, user?: string): string {
  const series = isSeriesName(name) ? name : '?';
  return makeAddress('backup', user === undefined ? series : `${series}/${isUserName(user) ? user : '?'}`);
}

export function backupDiagnostic(severity: Severity, code: BackupCode, summary: string, address: string, detail?: string): Diagnostic {
  return { severity, code, summary, address, ...(detail !== undefined && detail !== '' ? { detail } : {}) };
}

/** Node's errno code of a thrown fs error, if it has one. */
export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
