import { createHash } from 'node:crypto';

import type { HostFactsView } from './observed-facts.js';
import type { PlanningDriver } from './planning-port.js';

/** The fingerprint a saved plan is bound to: a hash of the part of each host's facts that the
 * drivers plan from (each driver says which part: a backup series' lock age moves with the clock
 * and plans nothing). Canonical: hosts in name order, drivers in registry order. Basics (uptime)
 * plan nothing and are left out. */
export function fingerprintOf(hosts: ReadonlyMap<string, HostFactsView>, drivers: readonly PlanningDriver[]): string {
  const hash = createHash('sha256');
  const keyed = drivers.filter((d) => d.factsKey !== undefined);
  for (const name of [...hosts.keys()].sort()) {
    const facts = hosts.get(name)!.facts;
    const subject = name.startsWith('service:') ? 'service' : 'host';
    for (const driver of keyed) {
      if ((driver.factsOf ?? 'host') !== subject) continue;
      const stored = facts.get(driver.factsKey!);
      const part = stored === undefined ? null : driver.plannedFrom ? driver.plannedFrom(stored.value) : stored.value;
      hash.update(`${name}\u0000${driver.factsKey}\u0000${JSON.stringify(part ?? null)}\u0000`);
    }
  }
  return hash.digest('hex');
}
