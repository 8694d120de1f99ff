import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { SshPool } from '../../transports/ssh/ssh-pool.js';
import type { HostFacts } from './host-facts.js';
import type { HostTarget } from './host-target.js';
import { mapBounded } from '../../support/bounded-parallel.js';
import { observeBasics } from './observe-basics.js';
import { observeDomains } from './observe-domains.js';
import { observeTc } from './observe-tc.js';
import { observeBackups } from './observe-backups.js';

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

/** Observes one host over one SSH connection. Never throws for anything an operator can fix:
 * a host that cannot be reached gives a diagnostic and null facts; a missing tool gives a
 * diagnostic for its fact only. */
export async function observeHost(target: HostTarget, options: ObserveHostOptions): Promise<HostFacts> {
  const timeoutMs = options.commandTimeoutMs ?? 60_000;
  const now = options.now ?? Date.now;
  // Basics first: it also opens the connection, so an unreachable host is one diagnostic, not
  // one per fact kind.
  const basics = await observeBasics(options.pool, target, timeoutMs);
  const hostWide = basics.basics === null && basics.diagnostics.some((d) => HOST_WIDE_CODES.has(d.code));
  if (hostWide) {
    return { host: target.name, observedAt: now(), basics: null, domains: null, tc: null, backups: null, diagnostics: basics.diagnostics };
  }
  // The two remaining kinds run side by side as two channels of the same connection.
  // Domains only where a libvirt URI says the host is a hypervisor: virsh's own default on other
  // hosts would only produce a failure about a hypervisor nobody asked for.
  const [domains, tc, backups] = await Promise.all([
    target.virshUri !== undefined ? observeDomains(options.pool, target, timeoutMs) : Promise.resolve({ domains: null, diagnostics: [] }),
    observeTc(options.pool, target, timeoutMs),
    observeBackups(options.pool, target, timeoutMs),
  ]);
  const diagnostics: Diagnostic[] = [...basics.diagnostics, ...domains.diagnostics, ...tc.diagnostics, ...backups.diagnostics];
  return { host: target.name, observedAt: now(), basics: basics.basics, domains: domains.domains, tc: tc.tc, backups: backups.backups, diagnostics };
}


/** Observes many hosts at once (bounded), each independently: one host down does not stop
 * the others. Results are in the order of `targets`. */
export function observeHosts(targets: readonly HostTarget[], options: ObserveHostOptions & { concurrency?: number }): Promise<HostFacts[]> {
  return mapBounded(targets, options.concurrency ?? 8, (target) => observeHost(target, options));
}
