/** Thrown errors are for bugs and broken infrastructure only; anything an operator can fix is a
 * Diagnostic. The CLI prints these as one short line unless --debug. */

/** A bug in pytin. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
}

/** A transport (SSH, SNMP, HTTP, git) failed. `retryable` says whether trying again may help. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A saved plan whose inputs (commit, facts fingerprint) no longer match the world. */
export class StalePlanError extends Error {
  override readonly name = 'StalePlanError';
}

/** Exhaustiveness check for switches over string-literal unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new InternalError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
