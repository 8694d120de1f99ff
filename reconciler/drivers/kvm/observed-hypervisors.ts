import type { HostFacts } from '../../observe/hosts/host-facts.js';
import type { ObservedHypervisor } from './plan-domains.js';

/** The planner's view of host observations: each host's domains (null when they were not
 * observed) and when. The latest observation of a host wins if one is given twice. */
export function observedHypervisors(facts: readonly HostFacts[]): Map<string, ObservedHypervisor> {
  const out = new Map<string, ObservedHypervisor>();
  for (const host of facts) {
    const known = out.get(host.host);
    if (!known || known.observedAt <= host.observedAt) out.set(host.host, { observedAt: host.observedAt, domains: host.domains });
  }
  return out;
}
