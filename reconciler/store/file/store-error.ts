import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { STORE_CODES, type StoreCode } from '../store-codes.js';
import type { StoreFailedError } from './store-failed-error.js';

/** The store refused to open. It carries a Diagnostic because the operator can act on it
 * (upgrade pytin, point --store elsewhere, restore the file, free space). */
export class StoreRefusedError extends Error {
  override readonly name = 'StoreRefusedError';
  readonly diagnostic: Diagnostic;
  constructor(code: StoreCode, summary: string, options?: { cause?: unknown; detail?: string }) {
    super(`${code}: ${summary}`, options);
    this.diagnostic = { severity: 'error', code, summary, detail: options?.detail ?? STORE_CODES[code] };
  }

  /** A store failure met while opening (a corrupt page read by a migration, a full disk) is a
   * refusal to open, with the same code and words. */
  static fromFailure(failure: StoreFailedError): StoreRefusedError {
    return new StoreRefusedError(failure.code, failure.diagnostic.summary, { cause: failure });
  }
}
