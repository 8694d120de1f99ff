import type { Diagnostic, Severity } from '../../../inventory/core/diagnostic.js';
import type { ObsSnmpCode } from './snmp-codes.js';

/** Rows left out of one table that are reported one by one; the rest are counted in one
 * OBS_SNMP_MORE_BAD_ROWS so a broken table cannot flood the plan. */
export const ROW_DIAGNOSTICS_PER_TABLE = 20;

/** Collects the diagnostics of one device observation, all carrying the device's address. */
export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  private readonly badRowsByTable = new Map<string, number>();

  constructor(private readonly address: string) {}

  add(severity: Severity, code: ObsSnmpCode, summary: string, detail?: string): void {
    this.diagnostics.push({ severity, code, summary, ...(detail ? { detail } : {}), address: this.address });
  }

  /** A row of `table` left out; the other rows are kept. */
  badRow(table: string, code: ObsSnmpCode, summary: string): void {
    const count = (this.badRowsByTable.get(table) ?? 0) + 1;
    this.badRowsByTable.set(table, count);
    if (count <= ROW_DIAGNOSTICS_PER_TABLE) this.add('warning', code, summary);
  }

  /** Emits the counts of bad rows beyond the per-table limit. Call once at the end. */
  finish(): Diagnostic[] {
    for (const [table, count] of this.badRowsByTable) {
      if (count > ROW_DIAGNOSTICS_PER_TABLE) {
        this.add('warning', 'OBS_SNMP_MORE_BAD_ROWS', `${count - ROW_DIAGNOSTICS_PER_TABLE} more rows of ${table} were left out (${count} in all)`);
      }
    }
    this.badRowsByTable.clear();
    return this.diagnostics;
  }
}
