import type { Row, SqlRunner } from '../file/sqlite.js';
import type { DeviceFacts } from './device-facts.js';

/** One address seen behind one MAC on one device, at a port and VLAN when the device's
 * forwarding table says where that MAC lives. */
export interface IpSighting {
  ip: string;
  mac: string;
  device: string;
  port: string | null;
  vlan: number | null;
}

export interface IpHistoryRow extends IpSighting {
  id: number;
  firstSeen: number;
  lastSeen: number;
}

function bindingKey(s: { mac: string; port: string | null; vlan: number | null }): string {
  return `${s.mac}|${s.port ?? ''}|${s.vlan ?? ''}`;
}

/** The sightings one device's walk gives: its ARP rows, each placed on the port where the same
 * device's forwarding table holds that MAC (falling back to the ARP row's own interface). */
export function sightingsFromDeviceFacts(device: string, facts: DeviceFacts): IpSighting[] {
  const portName = new Map<number, string>();
  for (const i of facts.interfaces) portName.set(i.ifIndex, i.ifName ?? i.ifDescr ?? `ifIndex ${i.ifIndex}`);
  const nameOf = (ifIndex: number | null) => (ifIndex === null ? null : (portName.get(ifIndex) ?? `ifIndex ${ifIndex}`));
  const fdbByMac = new Map<string, { vlan: number | null; ifIndex: number | null }>();
  for (const f of facts.fdb) if (!fdbByMac.has(f.mac.toLowerCase())) fdbByMac.set(f.mac.toLowerCase(), f);
  const seen = new Map<string, IpSighting>();
  for (const a of facts.arp) {
    const mac = a.mac.toLowerCase();
    const fdb = fdbByMac.get(mac);
    const sighting: IpSighting = {
      ip: a.ip,
      mac,
      device,
      port: nameOf(fdb?.ifIndex ?? a.ifIndex),
      vlan: fdb?.vlan ?? null,
    };
    seen.set(`${a.ip}|${bindingKey(sighting)}`, sighting);
  }
  return [...seen.values()];
}

interface HistoryDbRow extends Row {
  id: number;
  ip: string;
  mac: string;
  device: string;
  port: string | null;
  vlan: number | null;
  first_seen: number;
  last_seen: number;
}

/** Records one walk's sightings for one device.
 * Invariant: a binding (mac, port, vlan) of an (ip, device) continues — only last_seen moves —
 * when it was among the bindings of the previous sighting of that ip on that device; anything
 * else (a new MAC, a move to another port or VLAN, a return to an old binding) is a new row.
 * Nothing is overwritten: the history says when each binding was first and last seen.
 * Done as ONE set-based upsert driven by the sightings themselves (one JSON parameter unpacked by
 * json_each, no temporary table): each sighting either names the id of the row it continues (the
 * conflict moves that row's last_seen) or none (a new row). SQLite computes the whole SELECT
 * before the first write because it reads the table it inserts into, so every sighting is judged
 * against the history as it was before this walk — as two sightings of one address with two MACs
 * need. A 10,000-row ARP table costs milliseconds, not a query per address. */
export async function recordIpSightings(tx: SqlRunner, device: string, sightings: readonly IpSighting[], at: number): Promise<void> {
  const mine = sightings.filter((s) => s.device === device);
  if (mine.length === 0) return;
  // The previous sighting of an (ip, device) is its rows with the greatest last_seen; the lookup
  // reaches ip_history through its (ip, device) index. max() keeps a walk recorded out of order
  // from moving last_seen backwards.
  const sameBinding = 'h.ip = s.ip AND h.device = ?1 AND h.mac = s.mac AND h.port IS s.port AND h.vlan IS s.vlan';
  const latest = 'h.last_seen = (SELECT max(p.last_seen) FROM ip_history p WHERE p.ip = s.ip AND p.device = ?1)';
  // One statement for the whole walk, never chunks: a later chunk would judge an address's other
  // MAC against a last_seen the earlier chunk already moved, and start a new row for it.
  await tx.run(
    `INSERT INTO ip_history (id, ip, mac, device, port, vlan, first_seen, last_seen)
     SELECT (SELECT h.id FROM ip_history h WHERE ${sameBinding} AND ${latest}), s.ip, s.mac, ?1, s.port, s.vlan, ?2, ?2
     FROM (SELECT value ->> 0 AS ip, value ->> 1 AS mac, value ->> 2 AS port, value ->> 3 AS vlan FROM json_each(?3)) s
     WHERE true
     ON CONFLICT (id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)`,
    [device, at, JSON.stringify(mine.map((s) => [s.ip, s.mac, s.port, s.vlan]))],
  );
}

export async function ipHistory(db: SqlRunner, ip: string): Promise<IpHistoryRow[]> {
  const rows = await db.all<HistoryDbRow>('SELECT * FROM ip_history WHERE ip = ? ORDER BY first_seen, id', [ip]);
  return rows.map((r) => ({ id: r.id, ip: r.ip, mac: r.mac, device: r.device, port: r.port, vlan: r.vlan, firstSeen: r.first_seen, lastSeen: r.last_seen }));
}

/** Every address seen on the network since `since` (ms since the epoch), in canonical text form
 * as the observer wrote it. */
export async function addressesSeenSince(db: SqlRunner, since: number): Promise<Set<string>> {
  const rows = await db.all<{ ip: string } & Row>('SELECT DISTINCT ip FROM ip_history WHERE last_seen >= ?', [since]);
  return new Set(rows.map((r) => r.ip));
}
