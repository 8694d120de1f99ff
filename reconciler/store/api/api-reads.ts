import type { Row, SqlRunner } from '../file/sqlite.js';

/** The readers of the API. Each takes the request's read snapshot (SqlRunner inside
 * `readSnapshot`), so one answer never mixes two states of the store. */

/** The desired state recorded when `commit` was applied (JSON written by the apply session). */
export async function appliedDesiredJson(db: SqlRunner, commit: string): Promise<{ json: string; appliedAt: number } | undefined> {
  const row = await db.get<Row & { desired_json: string; applied_at: number }>('SELECT desired_json, applied_at FROM applied_states WHERE commit_id = ?', [
    commit,
  ]);
  return row ? { json: row.desired_json, appliedAt: row.applied_at } : undefined;
}

/** Where and when an address was last seen on the network, and when it was first seen at all. */
export interface AddressSighting {
  ip: string;
  mac: string;
  device: string;
  port: string | null;
  vlan: number | null;
  firstSeen: number;
  lastSeen: number;
}

type SightingRow = Row & { ip: string; mac: string; device: string; port: string | null; vlan: number | null; first_seen: number; last_seen: number };

const LATEST_PER_IP = `SELECT h.ip, h.mac, h.device, h.port, h.vlan, h.last_seen,
       (SELECT min(f.first_seen) FROM ip_history f WHERE f.ip = h.ip) AS first_seen
     FROM ip_history h
     WHERE h.id = (SELECT p.id FROM ip_history p WHERE p.ip = h.ip ORDER BY p.last_seen DESC, p.id DESC LIMIT 1)`;

function toSighting(r: SightingRow): AddressSighting {
  return { ip: r.ip, mac: r.mac, device: r.device, port: r.port, vlan: r.vlan, firstSeen: r.first_seen, lastSeen: r.last_seen };
}

/** The latest sighting of each of `ips` that was ever seen (canonical address text). */
export async function sightingsOf(db: SqlRunner, ips: readonly string[]): Promise<Map<string, AddressSighting>> {
  const out = new Map<string, AddressSighting>();
  // Bound parameters in chunks: SQLite's default limit is 32,766 and a page is far below it.
  for (let i = 0; i < ips.length; i += 500) {
    const chunk = ips.slice(i, i + 500);
    const rows = await db.all<SightingRow>(`${LATEST_PER_IP} AND h.ip IN (${chunk.map(() => '?').join(',')})`, chunk);
    for (const r of rows) out.set(r.ip, toSighting(r));
  }
  return out;
}

/** The latest sighting of every address ever seen. */
export async function allSightings(db: SqlRunner): Promise<Map<string, AddressSighting>> {
  const rows = await db.all<SightingRow>(LATEST_PER_IP);
  return new Map(rows.map((r) => [r.ip, toSighting(r)]));
}

/** One apply run as the API lists it. */
export interface ApplyRunRecord {
  id: number;
  commit: string | null;
  holder: string;
  startedAt: number;
  finishedAt: number | null;
  status: 'running' | 'succeeded' | 'failed';
  /** The applied plan's `plan --json` messages (JSON array), when the run recorded them. */
  planMessagesJson: string | null;
  outcomes: { applied: number; failed: number; skipped: number };
}

type RunRow = Row & {
  id: number;
  commit_id: string | null;
  holder: string;
  started_at: number;
  finished_at: number | null;
  status: ApplyRunRecord['status'];
  plan_messages_json: string | null;
  applied: number;
  failed: number;
  skipped: number;
};

/** Apply runs, newest first, those with an id below `beforeId` when given. */
export async function applyRunsPage(db: SqlRunner, beforeId: number | null, limit: number): Promise<ApplyRunRecord[]> {
  const rows = await db.all<RunRow>(
    `SELECT r.id, r.commit_id, r.holder, r.started_at, r.finished_at, r.status, r.plan_messages_json,
       (SELECT count(*) FROM change_outcomes o WHERE o.run_id = r.id AND o.status = 'applied') AS applied,
       (SELECT count(*) FROM change_outcomes o WHERE o.run_id = r.id AND o.status = 'failed') AS failed,
       (SELECT count(*) FROM change_outcomes o WHERE o.run_id = r.id AND o.status = 'skipped') AS skipped
     FROM apply_runs r WHERE ?1 IS NULL OR r.id < ?1 ORDER BY r.id DESC LIMIT ?2`,
    [beforeId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    commit: r.commit_id,
    holder: r.holder,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    planMessagesJson: r.plan_messages_json,
    outcomes: { applied: r.applied, failed: r.failed, skipped: r.skipped },
  }));
}

/** The plan messages of the latest run that applied `commit` and recorded its plan. */
export async function latestPlanMessagesJson(db: SqlRunner, commit: string): Promise<{ runId: number; json: string } | undefined> {
  const row = await db.get<Row & { id: number; plan_messages_json: string }>(
    'SELECT id, plan_messages_json FROM apply_runs WHERE commit_id = ? AND plan_messages_json IS NOT NULL ORDER BY id DESC LIMIT 1',
    [commit],
  );
  return row ? { runId: row.id, json: row.plan_messages_json } : undefined;
}

/** The id of that run alone (no plan text): a reader that keeps parsed plans by run id asks this
 * first, and reads the plan (megabytes on a large inventory) only for a run it has not seen. */
export async function latestPlanRunId(db: SqlRunner, commit: string): Promise<number | undefined> {
  const row = await db.get<Row & { id: number }>('SELECT id FROM apply_runs WHERE commit_id = ? AND plan_messages_json IS NOT NULL ORDER BY id DESC LIMIT 1', [
    commit,
  ]);
  return row?.id;
}

/** Every host's last good facts of one kind (a driver's facts key), as stored JSON. */
export async function hostFactsOfKind(db: SqlRunner, factKind: string): Promise<Array<{ host: string; json: string; observedAt: number }>> {
  const rows = await db.all<Row & { subject: string; json: string; observed_at: number }>(
    "SELECT subject, json, observed_at FROM current_facts WHERE subject_kind = 'host' AND fact_kind = ? ORDER BY subject",
    [factKind],
  );
  return rows.map((r) => ({ host: r.subject, json: r.json, observedAt: r.observed_at }));
}
