import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { assertNever } from '../../../inventory/core/errors.js';
import { SshError, type SshFailure } from '../../transports/ssh/ssh-errors.js';
import type { HostObservationCode } from './host-codes.js';
import { hostAddress } from './host-target.js';

export function hostDiagnostic(
  target: { name: string },
  code: HostObservationCode,
  summary: string,
  options: { detail?: string; severity?: 'error' | 'warning' } = {},
): Diagnostic {
  return { severity: options.severity ?? 'error', code, summary, address: hostAddress(target), ...(options.detail ? { detail: options.detail } : {}) };
}

function codeFor(failure: SshFailure): HostObservationCode {
  switch (failure) {
    case 'refused':
    case 'unreachable':
    case 'connect-timeout':
    case 'disconnected':
    case 'channel-failed':
      return 'OBS_HOST_UNREACHABLE';
    case 'auth-failed':
      return 'OBS_HOST_AUTH_FAILED';
    case 'host-key-unknown':
      return 'OBS_HOST_KEY_UNKNOWN';
    case 'host-key-changed':
      return 'OBS_HOST_KEY_CHANGED';
    case 'host-key-revoked':
      return 'OBS_HOST_KEY_REVOKED';
    case 'key-unreadable':
      return 'OBS_HOST_PRIVATE_KEY_UNREADABLE';
    case 'command-timeout':
      return 'OBS_HOST_COMMAND_TIMEOUT';
    case 'output-too-large':
      return 'OBS_HOST_OUTPUT_UNPARSABLE';
    default:
      return assertNever(failure, 'SSH failure');
  }
}

/** Whether the failure is about the host as a whole (nothing else will work either). */
export function isHostWide(error: SshError): boolean {
  return codeFor(error.failure) !== 'OBS_HOST_COMMAND_TIMEOUT' && error.failure !== 'output-too-large';
}

/** An SSH failure as the diagnostic an operator reads. Other errors are bugs and rethrown. */
export function sshFailureDiagnostic(target: { name: string }, error: unknown, fact: string): Diagnostic {
  if (!(error instanceof SshError)) throw error;
  const code = codeFor(error.failure);
  const summary = isHostWide(error) ? error.message : `${fact}: ${error.message}`;
  return hostDiagnostic(target, code, summary);
}
