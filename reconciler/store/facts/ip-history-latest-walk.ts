import type { Row, SqlRunner } from '../file/sqlite.js';

/** One binding of an address as a device's walk saw it, with the id of the ip_history row that
 * holds it. A tuple, stored as is: a 10,000-row walk is read and written every walk. */
export type WalkBinding = [ip: string, mac: string, port: string | null, vlan: number | null, id: number];

/** What the newest walk of a device recorded, read back to judge the next walk without a lookup
 * per address (ip_history_latest_walk, migration 9).
 * Invariant, kept by recordIpSightings, the only writer of ip_history: `walkedAt` is the greatest
 * last_seen of any ip_history row of the device, and for each address in `bindings`, they are
 * exactly that address's rows whose last_seen is `walkedAt` — its latest bindings. A walk that
 * cannot keep this (recorded out of order, or at the same instant) deletes the row instead. */
export interface LatestWalk {
  walkedAt: number;
  bindings: WalkBinding[];
}

function isWalkBinding(value: unknown): value is WalkBinding {
  return (
    Array.isArray(value) &&
    value.length === 5 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string' &&
    (value[2] === null || typeof value[2] === 'string') &&
    (value[3] === null || typeof value[3] === 'number') &&
    typeof value[4] === 'number'
  );
}

/** The device's newest walk, or undefined when none is recorded or its row is not what this
 * module writes (then the caller takes the lookup path, which needs nothing from here). */
export async function readLatestWalk(tx: SqlRunner, device: string): Promise<LatestWalk | undefined> {
  const row = await tx.get<Row & { walked_at: number; bindings_json: string }>('SELECT walked_at, bindings_json FROM ip_history_latest_walk WHERE device = ?', [
    device,
  ]);
  if (!row) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.bindings_json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every(isWalkBinding)) return undefined;
  return { walkedAt: row.walked_at, bindings: parsed };
}

export async function writeLatestWalk(tx: SqlRunner, device: string, walk: LatestWalk): Promise<void> {
  await tx.run('INSERT OR REPLACE INTO ip_history_latest_walk (device, walked_at, bindings_json) VALUES (?, ?, ?)', [
    device,
    walk.walkedAt,
    JSON.stringify(walk.bindings),
  ]);
}

/** The newest walk saw the same bindings as the recorded one: only its time changes. */
export async function touchLatestWalk(tx: SqlRunner, device: string, walkedAt: number): Promise<void> {
  await tx.run('UPDATE ip_history_latest_walk SET walked_at = ? WHERE device = ?', [walkedAt, device]);
}

export async function forgetLatestWalk(tx: SqlRunner, device: string): Promise<void> {
  await tx.run('DELETE FROM ip_history_latest_walk WHERE device = ?', [device]);
}
