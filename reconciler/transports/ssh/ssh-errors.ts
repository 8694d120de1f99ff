import { TransportError } from '../../../inventory/core/errors.js';

/** Why an SSH connection or command failed, for callers that turn it into a Diagnostic. */
export type SshFailure =
  | 'refused'
  | 'unreachable'
  | 'connect-timeout'
  | 'auth-failed'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'key-unreadable'
  | 'disconnected'
  | 'command-timeout'
  | 'output-too-large'
  | 'channel-failed';

export class SshError extends TransportError {
  constructor(
    readonly failure: SshFailure,
    message: string,
    retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, retryable, options);
  }
}

/** A command ran past its timeout. The connection stays usable; the output so far is kept. */
export class SshCommandTimeoutError extends SshError {
  constructor(
    message: string,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super('command-timeout', message, true);
  }
}

/** Maps a socket or ssh2 connection error to a clear, classified SshError. */
export function connectionError(where: string, error: unknown): SshError {
  const e = error as NodeJS.ErrnoException & { level?: string };
  const code = e?.code;
  const message = e?.message ?? String(error);
  if (code === 'ECONNREFUSED') return new SshError('refused', `${where}: connection refused (no SSH server listening?)`, true, { cause: error });
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new SshError('unreachable', `${where}: host unreachable (${code})`, true, { cause: error });
  }
  if (code === 'ETIMEDOUT' || /timed out while waiting for handshake/i.test(message)) {
    return new SshError('connect-timeout', `${where}: connection timed out`, true, { cause: error });
  }
  if (e?.level === 'client-authentication') {
    return new SshError('auth-failed', `${where}: authentication failed (the server refused the private key)`, false, { cause: error });
  }
  return new SshError('disconnected', `${where}: ${message}`, true, { cause: error });
}
