import type { DeviceFacts } from './device-facts.js';
import type { Row, SqlRunner } from './sqlite.js';

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
 * Nothing is overwritten: the history says when each binding was first and last seen. */
export async function recordIpSightings(tx: SqlRunner, device: string, sightings: readonly IpSighting[], at: number): Promise<void> {
  const byIp = new Map<string, IpSighting[]>();
  for (const s of sightings) {
    if (s.device !== device) continue;
    const list = byIp.get(s.ip) ?? [];
    list.push(s);
    byIp.set(s.ip, list);
  }
  for (const [ip, bindings] of byIp) {
    const previous = await tx.all<HistoryDbRow>(
      `SELECT * FROM ip_history WHERE ip = ? AND device = ?
         AND last_seen = (SELECT max(last_seen) FROM ip_history WHERE ip = ? AND device = ?)`,
      [ip, device, ip, device],
    );
    const previousByKey = new Map(previous.map((row) => [bindingKey(row), row]));
    for (const s of bindings) {
      const continued = previousByKey.get(bindingKey(s));
      if (continued && continued.last_seen <= at) {
        await tx.run('UPDATE ip_history SET last_seen = ? WHERE id = ?', [at, continued.id]);
      } else if (!continued) {
        await tx.run('INSERT INTO ip_history (ip, mac, device, port, vlan, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          ip,
          s.mac,
          device,
          s.port,
          s.vlan,
          at,
          at,
        ]);
      }
    }
  }
}

export async function ipHistory(db: SqlRunner, ip: string): Promise<IpHistoryRow[]> {
  const rows = await db.all<HistoryDbRow>('SELECT * FROM ip_history WHERE ip = ? ORDER BY first_seen, id', [ip]);
  return rows.map((r) => ({ id: r.id, ip: r.ip, mac: r.mac, device: r.device, port: r.port, vlan: r.vlan, firstSeen: r.first_seen, lastSeen: r.last_seen }));
}
