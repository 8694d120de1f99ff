import type { Row, SqlRunner } from '../file/sqlite.js';
import type { DeviceFacts } from './device-facts.js';
import { forgetLatestWalk, moveRowsIfSameAsLatestWalk, readLatestWalk, type WalkSighting, writeLatestWalk } from './ip-history-latest-walk.js';

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

/** The upsert that judges each sighting against the history in SQL: it names the id of the row
 * the sighting continues (the conflict moves that row's last_seen) or none (a new row). The
 * previous sighting of an (ip, device) is its rows with the greatest last_seen, reached through
 * the (ip, device) index. SQLite computes the whole SELECT before the first write because it reads
 * the table it inserts into, so every sighting is judged against the history as it was before
 * this walk — as two sightings of one address with two MACs need; for the same reason it is one
 * statement, never chunks. max() keeps a walk recorded out of order from moving last_seen back.
 * Returns the row of each sighting, in no particular order. */
async function upsertByLookup(tx: SqlRunner, device: string, sightingsJson: string, at: number): Promise<HistoryRowOfSighting[]> {
  const sameBinding = 'h.ip = s.ip AND h.device = ?1 AND h.mac = s.mac AND h.port IS s.port AND h.vlan IS s.vlan';
  const latest = 'h.last_seen = (SELECT max(p.last_seen) FROM ip_history p WHERE p.ip = s.ip AND p.device = ?1)';
  return tx.all<HistoryRowOfSighting>(
    `INSERT INTO ip_history (id, ip, mac, device, port, vlan, first_seen, last_seen)
     SELECT (SELECT h.id FROM ip_history h WHERE ${sameBinding} AND ${latest}), s.ip, s.mac, ?1, s.port, s.vlan, ?2, ?2
     FROM (SELECT value ->> 0 AS ip, value ->> 1 AS mac, value ->> 2 AS port, value ->> 3 AS vlan FROM json_each(?3)) s
     WHERE true
     ON CONFLICT (id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)
     RETURNING id, ip, mac, port, vlan`,
    [device, at, sightingsJson],
  );
}

/** Sightings that start a new binding of an address whose latest bindings are known: no lookup. */
async function insertStarted(tx: SqlRunner, device: string, sightingsJson: string, at: number): Promise<HistoryRowOfSighting[]> {
  return tx.all<HistoryRowOfSighting>(
    `INSERT INTO ip_history (ip, mac, device, port, vlan, first_seen, last_seen)
     SELECT value ->> 0, value ->> 1, ?1, value ->> 2, value ->> 3, ?2, ?2 FROM json_each(?3) WHERE true
     RETURNING id, ip, mac, port, vlan`,
    [device, at, sightingsJson],
  );
}

interface HistoryRowOfSighting extends Row {
  id: number;
  ip: string;
  mac: string;
  port: string | null;
  vlan: number | null;
}

function toWalkSighting(s: IpSighting): WalkSighting {
  return [s.ip, s.mac, s.port, s.vlan];
}

/** A sighting's identity, injective (JSON of its four fields). */
function identity(ip: string, mac: string, port: string | null, vlan: number | null): string {
  return JSON.stringify([ip, mac, port, vlan]);
}

/** The ids of `sightings`, in their order, from rows returned in any order; undefined if one is
 * missing (then no record is written, which only costs the next walk a lookup). */
function idsInOrder(sightings: readonly WalkSighting[], known: ReadonlyArray<number | undefined>, rows: readonly HistoryRowOfSighting[]): number[] | undefined {
  const idOf = new Map(rows.map((r) => [identity(r.ip, r.mac, r.port, r.vlan), r.id]));
  const ids: number[] = [];
  for (let i = 0; i < sightings.length; i++) {
    const id = known[i] ?? idOf.get(identity(...sightings[i]!));
    if (id === undefined) return undefined;
    ids.push(id);
  }
  return ids;
}

/** The lookup path for a whole walk: the first walk of a device, or one the latest-walk record
 * cannot judge. Rewrites the record when this walk is newer than every row of the device. */
async function recordByLookup(
  tx: SqlRunner,
  device: string,
  sightings: readonly WalkSighting[],
  sightingsJson: string,
  at: number,
  knownNewest?: number,
): Promise<void> {
  // Without a record the device's newest last_seen is unknown: one scan, once per device.
  const newest =
    knownNewest ??
    (await tx.get<Row & { newest: number | null }>('SELECT max(last_seen) AS newest FROM ip_history WHERE device = ?', [device]))?.newest ??
    null;
  const rows = await upsertByLookup(tx, device, sightingsJson, at);
  const ids = newest === null || newest < at ? idsInOrder(sightings, [], rows) : undefined;
  if (ids) await writeLatestWalk(tx, device, at, sightingsJson, ids);
  else await forgetLatestWalk(tx, device);
}

/** Records one walk's sightings for one device.
 * Invariant: a binding (mac, port, vlan) of an (ip, device) continues — only last_seen moves —
 * when it was among the bindings of the previous sighting of that ip on that device; anything
 * else (a new MAC, a move to another port or VLAN, a return to an old binding) is a new row.
 * Nothing is overwritten: the history says when each binding was first and last seen.
 * A walk newer than the device's latest walk (ip-history-latest-walk.ts) is judged against that
 * walk: when it is the same walk, its rows move by id in one statement; otherwise an address the
 * latest walk saw continues exactly the bindings it had there, so those rows move by id and its
 * new bindings are inserted, with no lookup; only addresses it did not see go through the lookup
 * upsert. A 10,000-row ARP table that did not change costs one UPDATE by id. */
export async function recordIpSightings(tx: SqlRunner, device: string, sightings: readonly IpSighting[], at: number): Promise<void> {
  const mine = sightings.filter((s) => s.device === device).map(toWalkSighting);
  if (mine.length === 0) return;
  const mineJson = JSON.stringify(mine);
  const moved = await moveRowsIfSameAsLatestWalk(tx, device, mineJson, at);
  if (moved === mine.length) return;
  // A row the record names is gone (nothing deletes history today): judge the walk by lookup.
  // The rows just moved are this walk's bindings at this walk's time, which the lookup continues.
  if (moved > 0) return recordByLookup(tx, device, mine, mineJson, at);
  const previous = await readLatestWalk(tx, device);
  if (!previous) return recordByLookup(tx, device, mine, mineJson, at);
  // Out of order or at the same instant: rows of this walk's time may already exist.
  if (at <= previous.walkedAt) return recordByLookup(tx, device, mine, mineJson, at, previous.walkedAt);
  // An address has one binding, or a few: a list per address beats a composite key.
  const bindingsOf = new Map<string, number[]>();
  previous.sightings.forEach(([ip], i) => {
    const list = bindingsOf.get(ip);
    if (list) list.push(i);
    else bindingsOf.set(ip, [i]);
  });
  const ids: Array<number | undefined> = [];
  const started: WalkSighting[] = [];
  const unknown: WalkSighting[] = [];
  for (const sighting of mine) {
    const [ip, mac, port, vlan] = sighting;
    const list = bindingsOf.get(ip);
    const same = list?.find((i) => {
      const [, m, p, v] = previous.sightings[i]!;
      return m === mac && p === port && v === vlan;
    });
    ids.push(same === undefined ? undefined : previous.ids[same]);
    if (same === undefined) (list ? started : unknown).push(sighting);
  }
  const continued = ids.filter((id) => id !== undefined);
  const { changes } = await tx.run('UPDATE ip_history SET last_seen = ?1 WHERE id IN (SELECT value FROM json_each(?2))', [at, JSON.stringify(continued)]);
  if (changes !== continued.length) return recordByLookup(tx, device, mine, mineJson, at);
  const rows = [
    ...(started.length ? await insertStarted(tx, device, JSON.stringify(started), at) : []),
    ...(unknown.length ? await upsertByLookup(tx, device, JSON.stringify(unknown), at) : []),
  ];
  const allIds = idsInOrder(mine, ids, rows);
  if (allIds) await writeLatestWalk(tx, device, at, mineJson, allIds);
  else await forgetLatestWalk(tx, device);
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
