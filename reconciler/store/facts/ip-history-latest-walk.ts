import type { Row, SqlRunner } from '../file/sqlite.js';

/** A sighting as the record and the history statements carry it: [ip, mac, port, vlan]. */
export type WalkSighting = [ip: string, mac: string, port: string | null, vlan: number | null];

/** What the newest walk of a device recorded, read back to judge the next walk without a lookup
 * per address (ip_history_latest_walk, migration 9): its sightings as the JSON text the history
 * statements were given, and beside them, in the same order, the id of the ip_history row holding
 * each.
 * Invariant, kept by recordIpSightings, the only writer of ip_history: `walkedAt` is the greatest
 * last_seen of any ip_history row of the device, and for each address in `sightings`, its
 * bindings there are exactly that address's rows whose last_seen is `walkedAt` — its latest
 * bindings. A walk that cannot keep this (recorded out of order, or at the same instant) deletes
 * the row instead. */
export interface LatestWalk {
  walkedAt: number;
  sightings: WalkSighting[];
  ids: number[];
}

function isWalkSighting(value: unknown): value is WalkSighting {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string' &&
    (value[2] === null || typeof value[2] === 'string') &&
    (value[3] === null || typeof value[3] === 'number')
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The device's newest walk, or undefined when none is recorded or its row is not what this
 * module writes (then the caller takes the lookup path, which needs nothing from here). */
export async function readLatestWalk(tx: SqlRunner, device: string): Promise<LatestWalk | undefined> {
  const row = await tx.get<Row & { walked_at: number; sightings_json: string; ids_json: string }>(
    'SELECT walked_at, sightings_json, ids_json FROM ip_history_latest_walk WHERE device = ?',
    [device],
  );
  if (!row) return undefined;
  const sightings = parseJson(row.sightings_json);
  const ids = parseJson(row.ids_json);
  if (!Array.isArray(sightings) || !Array.isArray(ids) || sightings.length !== ids.length) return undefined;
  if (!sightings.every(isWalkSighting) || !ids.every((id) => typeof id === 'number')) return undefined;
  return { walkedAt: row.walked_at, sightings, ids: ids as number[] };
}

/** The common case in one statement: this walk's sightings are, text for text, the recorded walk's
 * (a quiet network, walked in the agent's stable order), so each continues the row the record
 * names; those rows' last_seen moves, nothing is parsed in JS. Returns how many rows moved: 0 when
 * the walk differs (or is not newer than the record), fewer than the walk's sightings when a row
 * the record names is gone. */
export async function moveRowsIfSameAsLatestWalk(tx: SqlRunner, device: string, sightingsJson: string, at: number): Promise<number> {
  const { changes } = await tx.run(
    `UPDATE ip_history SET last_seen = ?1 WHERE id IN (
       SELECT j.value FROM ip_history_latest_walk r, json_each(r.ids_json) j WHERE r.device = ?2 AND r.walked_at < ?1 AND r.sightings_json = ?3)`,
    [at, device, sightingsJson],
  );
  if (changes > 0) await tx.run('UPDATE ip_history_latest_walk SET walked_at = ? WHERE device = ?', [at, device]);
  return changes;
}

/** `sightingsJson` is the JSON text of the walk's sightings, `ids` their rows in the same order. */
export async function writeLatestWalk(tx: SqlRunner, device: string, walkedAt: number, sightingsJson: string, ids: readonly number[]): Promise<void> {
  await tx.run('INSERT OR REPLACE INTO ip_history_latest_walk (device, walked_at, sightings_json, ids_json) VALUES (?, ?, ?, ?)', [
    device,
    walkedAt,
    sightingsJson,
    JSON.stringify(ids),
  ]);
}

export async function forgetLatestWalk(tx: SqlRunner, device: string): Promise<void> {
  await tx.run('DELETE FROM ip_history_latest_walk WHERE device = ?', [device]);
}
