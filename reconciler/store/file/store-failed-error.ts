import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { STORE_CODES, type StoreCode } from '../store-codes.js';

/** A statement on an open store failed because of the store file's condition (damaged, full,
 * read-only, locked too long, I/O error) rather than because of pytin's SQL. It carries a
 * Diagnostic because the operator, not a code change, fixes it. Sibling of StoreRefusedError,
 * which is the same thing found while opening; the CLI prints either as its diagnostic. */
export class StoreFailedError extends Error {
  override readonly name = 'StoreFailedError';
  readonly diagnostic: Diagnostic;
  readonly code: StoreCode;
  constructor(code: StoreCode, summary: string, options?: { cause?: unknown; detail?: string }) {
    super(`${code}: ${summary}`, options);
    this.code = code;
    this.diagnostic = { severity: 'error', code, summary, detail: options?.detail ?? STORE_CODES[code] };
  }
}
