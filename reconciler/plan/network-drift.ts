import { type DesiredState, resourcesOfKind } from '../../inventory/model/desired-state.js';
import { addressUse, type PoolLayout, poolLayout } from '../../inventory/model/pool-layout.js';
import type { IPPoolSpec, ServerSpec, SwitchSpec } from '../../inventory/model/specs.js';
import { vrfScopedIp } from '../../inventory/model/vrf-scoped-ip.js';
import { parseCalendarDate } from '../../schemas/formats/calendar-date.js';
import { canonicalIp, parseIp } from '../../schemas/formats/ip.js';
import type { Drift } from './drift.js';
import type { AddressSighting, ObservedFacts } from './observed-facts.js';

export interface DriftPolicy {
  /** An allocated address not seen for longer than this is drift (the old tool freed it). */
  lastSeenWarningDays: number;
  /** A reservation with a date not seen answering for longer than this after it is drift (the old
   * tool reclaimed it). */
  reservationWarningDays: number;
  now: number;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function layoutFor(layouts: readonly PoolLayout[], ip: string, vrf: string | undefined): PoolLayout | undefined {
  const parsed = parseIp(ip);
  if (!parsed) return undefined;
  return layouts.find(
    (l) => l.pool.spec.vrf === vrf && l.network.version === parsed.version && parsed.value >= l.network.first && parsed.value <= l.network.last,
  );
}

/** What the network shows that git does not say, from SNMP facts and the IP history. Pure: the
 * same inventory, facts and time give the same drift. Never a change: people decide. */
export function networkDrift(state: DesiredState, facts: ObservedFacts, policy: DriftPolicy): Drift[] {
  const drift: Drift[] = [];
  const layouts = resourcesOfKind<IPPoolSpec>(state, 'IPPool')
    .map(poolLayout)
    .filter((l): l is PoolLayout => l !== undefined);
  // ARP is per device: a sighting is in the routing table whose ARP the device's agent answers with
  // (its snmp.vrf; absent: the global table). A router's other VRFs are SNMP contexts pytin does not
  // walk, so their addresses are never seen, never drift and never count as "seen in use".
  const vrfOfDevice = new Map(resourcesOfKind<SwitchSpec>(state, 'Switch').map((sw) => [sw.name, sw.spec.snmp?.vrf]));

  // Addresses answering ARP in a managed pool that nobody holds. "Answering" = in the latest
  // successful walk of the device that saw it (older sightings are history, not presence).
  for (const sighting of facts.sightings.values()) {
    const device = facts.devices.get(sighting.device)?.facts;
    if (!device || sighting.lastSeen < device.observedAt) continue;
    const ip = canonicalIp(sighting.ip) ?? sighting.ip;
    const vrf = vrfOfDevice.get(sighting.device);
    const layout = layoutFor(layouts, ip, vrf);
    if (!layout || state.ipHoldings.has(vrfScopedIp(ip, vrf))) continue;
    if (addressUse(layout, parseIp(ip)!.value) !== 'usable') continue; // the gateway and reserved gear answer by design
    drift.push({
      address: `ip/${vrfScopedIp(ip, vrf)}`,
      kind: 'unallocated-address-in-use',
      evidence: {
        source: 'snmp',
        where: `${sighting.device}${sighting.port ? ` ${sighting.port}` : ''} (MAC ${sighting.mac})`,
        seenAt: iso(sighting.lastSeen),
      },
      message: `answers on the network in pool "${layout.pool.name}"${vrf === undefined ? '' : ` (vrf "${vrf}")`} but is allocated to nobody`,
    });
  }

  // Allocated addresses that stopped answering long ago.
  // The newest sighting of each address in each routing table.
  const sightings = new Map<string, AddressSighting>();
  for (const s of facts.sightings.values()) {
    const key = vrfScopedIp(canonicalIp(s.ip) ?? s.ip, vrfOfDevice.get(s.device));
    const earlier = sightings.get(key);
    if (!earlier || s.lastSeen > earlier.lastSeen) sightings.set(key, s);
  }
  for (const holding of state.ipHoldings.values()) {
    if (holding.holder.endsWith('/reservation')) continue;
    const seen = sightings.get(vrfScopedIp(holding.ip, holding.vrf));
    if (!seen) continue; // never seen: nothing to say (the device may not route it)
    const days = Math.floor((policy.now - seen.lastSeen) / DAY);
    if (days <= policy.lastSeenWarningDays) continue;
    drift.push({
      address: `ip/${vrfScopedIp(holding.ip, holding.vrf)}`,
      kind: 'address-not-seen',
      evidence: { source: 'snmp', where: `${seen.device}${seen.port ? ` ${seen.port}` : ''}`, seenAt: iso(seen.lastSeen) },
      message: `held by ${holding.holder} but not seen for ${days} days (threshold ${policy.lastSeenWarningDays}); free it in git if the holder is gone`,
    });
  }

  // Reservations with a date that nothing has used since: the old tool reclaimed them after 15
  // days; here people decide. Seen answering once on or after the day it was reserved = in use.
  // Exactly the threshold is not yet drift (as for address-not-seen).
  for (const pool of resourcesOfKind<IPPoolSpec>(state, 'IPPool')) {
    for (const reservation of pool.spec.reservations ?? []) {
      const reservedAt = reservation.reservedAt === undefined ? undefined : parseCalendarDate(reservation.reservedAt);
      if (reservedAt === undefined) continue; // no date: held on purpose, never drift
      const days = Math.floor((policy.now - reservedAt) / DAY);
      if (days <= policy.reservationWarningDays) continue;
      // A reservation is in its pool's routing table: only that table's sightings are its use.
      const scopedIp = vrfScopedIp(canonicalIp(reservation.ip) ?? reservation.ip, pool.spec.vrf);
      const seen = sightings.get(scopedIp);
      if (seen && seen.lastSeen >= reservedAt) continue;
      drift.push({
        address: `ip/${scopedIp}`,
        kind: 'reservation-not-activated',
        evidence: {
          source: 'snmp',
          where: seen ? `last seen on ${seen.device}${seen.port ? ` ${seen.port}` : ''}, before the reservation` : 'never seen on the network',
          seenAt: iso(seen?.lastSeen ?? reservedAt),
        },
        message: `reserved in pool "${pool.name}" on ${reservation.reservedAt}${reservation.tenant ? ` for ${reservation.tenant}` : ''} but not seen in use for ${days} days (threshold ${policy.reservationWarningDays}); release it in git if it is not needed`,
      });
    }
  }

  // MACs seen on another switch port than the cabling in git. Uplink ports carry every MAC of
  // the far side, so only edge ports count.
  const uplinkPorts = new Set<string>();
  for (const sw of resourcesOfKind<SwitchSpec>(state, 'Switch')) {
    for (const uplink of sw.spec.uplinks ?? []) {
      uplinkPorts.add(`${sw.name}\u0000${uplink.port}`);
      uplinkPorts.add(`${uplink.to.switch}\u0000${uplink.to.port}`);
    }
  }
  const portsByMac = new Map<string, Array<{ device: string; port: string; seenAt: number }>>();
  for (const [device, { facts: stored }] of facts.devices) {
    if (!stored) continue;
    const names = new Map(stored.facts.interfaces.map((i) => [i.ifIndex, i.ifName ?? i.ifDescr ?? `ifIndex ${i.ifIndex}`]));
    for (const entry of stored.facts.fdb) {
      if (entry.ifIndex === null) continue;
      const port = names.get(entry.ifIndex) ?? `ifIndex ${entry.ifIndex}`;
      if (uplinkPorts.has(`${device}\u0000${port}`)) continue;
      const list = portsByMac.get(entry.mac) ?? [];
      list.push({ device, port, seenAt: stored.observedAt });
      portsByMac.set(entry.mac, list);
    }
  }
  for (const server of resourcesOfKind<ServerSpec>(state, 'Server')) {
    for (const iface of server.spec.interfaces ?? []) {
      if (!iface.mac || !iface.cabledTo) continue;
      for (const seen of portsByMac.get(iface.mac) ?? []) {
        if (seen.device === iface.cabledTo.switch && seen.port === iface.cabledTo.port) continue;
        drift.push({
          address: `${server.address}/${iface.name}`,
          kind: 'mac-on-unexpected-port',
          evidence: { source: 'snmp', where: `${seen.device} ${seen.port}`, seenAt: iso(seen.seenAt) },
          message: `MAC ${iface.mac} is seen on ${seen.device} ${seen.port}, but git cables it to ${iface.cabledTo.switch} ${iface.cabledTo.port}`,
        });
      }
    }
  }

  // Declared devices and hosts whose last observation failed.
  for (const [device, { lastRun }] of facts.devices) {
    if (lastRun?.status !== 'failed') continue;
    drift.push({
      address: `switch/${device}`,
      kind: 'device-not-answering',
      evidence: { source: 'snmp', where: device, seenAt: iso(lastRun.finishedAt ?? lastRun.startedAt) },
      message: `did not answer its last observation: ${(lastRun.error ?? 'no detail').split('\n')[0]}`,
    });
  }
  for (const [host, stored] of facts.hosts) {
    const run = stored.lastRun;
    if (run?.status !== 'failed') continue;
    drift.push({
      address: `server/${host}`,
      kind: 'device-not-answering',
      evidence: { source: 'ssh', where: host, seenAt: iso(run.finishedAt ?? run.startedAt) },
      message: `did not answer its last observation: ${(run.error ?? 'no detail').split('\n')[0]}`,
    });
  }
  return drift;
}
