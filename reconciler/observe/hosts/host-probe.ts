import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { SshPool } from '../../transports/ssh/ssh-pool.js';
import type { SshTarget } from '../../transports/ssh/ssh-target.js';

/** The transport a probe reads a host through: the host's one pooled SSH connection. */
export interface HostProbeContext {
  pool: SshPool;
  target: SshTarget;
  /** Per remote command. */
  timeoutMs: number;
}

export interface ProbeResult<F> {
  /** null: not observed (the diagnostics say why). */
  facts: F | null;
  diagnostics: Diagnostic[];
  /** A few words for people on what was seen (`4 domains`). */
  summary?: string;
}

/** A read-only look at one host on behalf of a driver: the driver builds it for the host (what to
 * read there), the host observer runs every probe of the host side by side on its connection. */
export interface HostProbe<F = unknown> {
  /** The key the facts are stored under: the driver's facts key. */
  key: string;
  run(context: HostProbeContext): Promise<ProbeResult<F>>;
}
