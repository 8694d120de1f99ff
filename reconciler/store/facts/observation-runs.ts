import { assertNever } from '../../../inventory/core/errors.js';
import type { Row, SqlRunner } from '../file/sqlite.js';

export type ObservationSource = 'snmp' | 'host';
export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface ObservationRun {
  id: number;
  source: ObservationSource;
  /** The device or host name. */
  subject: string;
  startedAt: number;
  finishedAt: number | null;
  status: RunStatus;
  error: string | null;
}

export async function insertRun(
  tx: SqlRunner,
  run: { source: ObservationSource; subject: string; startedAt: number; finishedAt: number; status: RunStatus; error?: string | null },
): Promise<number> {
  const { lastId } = await tx.run('INSERT INTO observation_runs (source, subject, started_at, finished_at, status, error) VALUES (?, ?, ?, ?, ?, ?)', [
    run.source,
    run.subject,
    run.startedAt,
    run.finishedAt,
    run.status,
    run.error ?? null,
  ]);
  return lastId;
}

function parseStatus(value: string): RunStatus {
  const status = value as RunStatus;
  switch (status) {
    case 'running':
    case 'succeeded':
    case 'failed':
      return status;
    default:
      return assertNever(status, 'observation run status');
  }
}

interface RunRow extends Row {
  id: number;
  source: string;
  subject: string;
  started_at: number;
  finished_at: number | null;
  status: string;
  error: string | null;
}

function toRun(row: RunRow): ObservationRun {
  return {
    id: row.id,
    source: row.source === 'snmp' ? 'snmp' : 'host',
    subject: row.subject,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: parseStatus(row.status),
    error: row.error,
  };
}

export async function lastRun(db: SqlRunner, source: ObservationSource, subject: string): Promise<ObservationRun | undefined> {
  const row = await db.get<RunRow>('SELECT * FROM observation_runs WHERE source = ? AND subject = ? ORDER BY id DESC LIMIT 1', [source, subject]);
  return row ? toRun(row) : undefined;
}

/** A walk or host observation that produced nothing usable. The last good facts stay. */
export async function recordFailedRun(
  db: { transaction<T>(body: (tx: SqlRunner) => Promise<T>): Promise<T> },
  run: { source: ObservationSource; subject: string; startedAt: number; finishedAt: number; error: string },
): Promise<number> {
  return db.transaction((tx) => insertRun(tx, { ...run, status: 'failed' }));
}

/** The latest run of every subject of a source, in one query (plans read hundreds of hosts). */
export async function lastRuns(db: SqlRunner, source: ObservationSource): Promise<Map<string, ObservationRun>> {
  const rows = await db.all<RunRow>(
    'SELECT r.* FROM observation_runs r WHERE r.source = ? AND r.id = (SELECT max(r2.id) FROM observation_runs r2 WHERE r2.source = r.source AND r2.subject = r.subject)',
    [source],
  );
  return new Map(rows.map((row) => [row.subject, toRun(row)]));
}
