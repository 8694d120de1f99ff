import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { SshPool } from '../../transports/ssh/ssh-pool.js';
import type { SshTarget } from '../../transports/ssh/ssh-target.js';
import type { HostObservation } from './host-observation.js';
import type { HostProbe } from './host-probe.js';
import { observeBasics } from './observe-basics.js';

/** Failures after which no other command on the host can succeed. */
const HOST_WIDE_CODES: ReadonlySet<string> = new Set([
  'OBS_HOST_UNREACHABLE',
  'OBS_HOST_AUTH_FAILED',
  'OBS_HOST_KEY_UNKNOWN',
  'OBS_HOST_KEY_CHANGED',
  'OBS_HOST_KEY_REVOKED',
  'OBS_HOST_PRIVATE_KEY_UNREADABLE',
]);

export interface ObserveHostOptions {
  /** The pool that owns the SSH connections (and the host key policy). */
  pool: SshPool;
  /** Per remote command. */
  commandTimeoutMs?: number;
  now?: () => number;
}

/** Observes one host over one SSH connection: its basics, then every probe the drivers built for
 * it, side by side as channels of that connection. Never throws for anything an operator can
 * fix: a host that cannot be reached gives one diagnostic and null facts; a missing tool gives a
 * diagnostic for its probe only. */
export async function observeHost(target: SshTarget, probes: readonly HostProbe[], options: ObserveHostOptions): Promise<HostObservation> {
  const context = { pool: options.pool, target, timeoutMs: options.commandTimeoutMs ?? 60_000 };
  const now = options.now ?? Date.now;
  // Basics first: it also opens the connection, so an unreachable host is one diagnostic, not
  // one per probe.
  const basics = await observeBasics(context);
  const hostWide = basics.facts === null && basics.diagnostics.some((d) => HOST_WIDE_CODES.has(d.code));
  const facts = new Map<string, unknown>(probes.map((p) => [p.key, null]));
  if (hostWide) return { host: target.name, observedAt: now(), basics: null, facts, diagnostics: basics.diagnostics, summaries: [] };
  const results = await Promise.all(probes.map((probe) => probe.run(context)));
  const diagnostics: Diagnostic[] = [...basics.diagnostics];
  const summaries: string[] = [];
  probes.forEach((probe, i) => {
    const result = results[i]!;
    facts.set(probe.key, result.facts);
    diagnostics.push(...result.diagnostics);
    if (result.summary) summaries.push(result.summary);
  });
  return { host: target.name, observedAt: now(), basics: basics.facts, facts, diagnostics, summaries };
}
