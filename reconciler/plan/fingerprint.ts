import { createHash } from 'node:crypto';

import type { HostFactsView } from './observed-facts.js';
import type { PlanningDriver } from './planning-port.js';

/** The fingerprint a saved plan is bound to: a hash of the part of each host's facts that the
 * drivers plan from (each driver says which part: a backup series' lock age moves with the clock
 * and plans nothing). Canonical: hosts in name order, drivers in registry order. Basics (uptime)
 * plan nothing and are left out. A driver planning from the whole value hashes the stored JSON
 * text as it is: the store wrote it with JSON.stringify, and JSON.stringify of its parse is that
 * same text (own-property order survives the round trip), so the hash is the one of serialising
 * the value again, without the cost (the KVM domains are tens of MB on a large fleet). */
export function fingerprintOf(hosts: ReadonlyMap<string, HostFactsView>, drivers: readonly PlanningDriver[]): string {
  const hash = createHash('sha256');
  const keyed = drivers.filter((d) => d.factsKey !== undefined);
  for (const name of [...hosts.keys()].sort()) {
    const facts = hosts.get(name)!.facts;
    const subject = name.startsWith('service:') ? 'service' : 'host';
    for (const driver of keyed) {
      if ((driver.factsOf ?? 'host') !== subject) continue;
      const stored = facts.get(driver.factsKey!);
      hash.update(`${name}\u0000${driver.factsKey}\u0000`);
      if (stored !== undefined && !driver.plannedFrom && stored.json !== undefined) hash.update(stored.json);
      else hash.update(JSON.stringify((stored === undefined ? null : driver.plannedFrom ? driver.plannedFrom(stored.value) : stored.value) ?? null));
      hash.update('\u0000');
    }
  }
  return hash.digest('hex');
}
