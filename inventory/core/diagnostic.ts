import type { DiagnosticCode } from './diagnostic-codes.js';
import { compareSourceRanges, formatSourceRange, type SourceRange } from './source-range.js';

export type Severity = 'error' | 'warning';

/** Everything an operator can fix is a Diagnostic, never a thrown error. */
export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  summary: string;
  detail?: string;
  /** The resource concerned, `kind/name` (see address.ts). */
  address?: string;
  subject?: SourceRange;
}

/** `inventory/vms/web.yaml:12:7: error INV_RULE_IP_OUTSIDE_POOL: ... (vm/web-01)` */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.subject ? `${formatSourceRange(d.subject)}: ` : '';
  const about = d.address ? ` (${d.address})` : '';
  return `${where}${d.severity} ${d.code}: ${d.summary}${about}`;
}

/** The JSON form of a diagnostic: a stable shape for machines (and what renderers read back). */
export interface DiagnosticJson {
  severity: Severity;
  code: DiagnosticCode;
  summary: string;
  detail: string | null;
  address: string | null;
  range: { file: string; start: { line: number; col: number }; end: { line: number; col: number } } | null;
}

export function diagnosticToJson(d: Diagnostic): DiagnosticJson {
  return {
    severity: d.severity,
    code: d.code,
    summary: d.summary,
    detail: d.detail ?? null,
    address: d.address ?? null,
    range: d.subject
      ? {
          file: d.subject.file,
          start: { line: d.subject.start.line, col: d.subject.start.col },
          end: { line: d.subject.end.line, col: d.subject.end.col },
        }
      : null,
  };
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => compareSourceRanges(a.subject, b.subject) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings };
}
