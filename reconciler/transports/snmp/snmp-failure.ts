import { netSnmp } from './net-snmp-library.js';

/** Why an SNMP request failed, in the terms an operator acts on. */
export type SnmpFailureKind =
  /** No answer after every retry: host down, port closed, wrong v2c community (agents stay silent). */
  | 'timeout'
  /** The agent refused our v3 credentials (unknown user, wrong digest, wrong level, undecryptable). */
  | 'auth'
  /** The agent answered with an SNMP error status (genErr, noAccess, ...). */
  | 'agent-error'
  /** The answer could not be used (malformed, wrong version, unexpected report). */
  | 'invalid-response'
  /** The local socket failed (bad host name, no route). */
  | 'socket';

/** A failed request, classified. `message` never contains credentials: net-snmp's messages name
 * OIDs, statuses and engine times, except the community mismatch one, which is replaced. */
export class SnmpFailure extends Error {
  override readonly name = 'SnmpFailure';
  constructor(
    readonly kind: SnmpFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function classifyError(error: unknown): SnmpFailure {
  const snmp = netSnmp();
  if (error instanceof SnmpFailure) return error;
  if (error instanceof snmp.RequestTimedOutError) return new SnmpFailure('timeout', 'request timed out', { cause: error });
  if (error instanceof snmp.ResponseInvalidError) {
    const auth = [snmp.ResponseInvalidCode.EAuthFailure, snmp.ResponseInvalidCode.ECouldNotDecrypt, snmp.ResponseInvalidCode.ENotInTimeWindow];
    if (auth.includes(error.code)) return new SnmpFailure('auth', error.message, { cause: error });
    // net-snmp's own message for this one quotes both communities: never let it reach a log.
    if (error.code === snmp.ResponseInvalidCode.ECommunityNoMatch)
      return new SnmpFailure('invalid-response', 'the answer carried a different community than the request');
    return new SnmpFailure('invalid-response', error.message, { cause: error });
  }
  if (error instanceof snmp.RequestFailedError) return new SnmpFailure('agent-error', error.message, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new SnmpFailure('socket', message, { cause: error });
}
