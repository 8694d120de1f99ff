import type { Row, SqlValue } from '../file/sqlite.js';
import type { Store } from '../open-store.js';

export type OutcomeStatus = 'applied' | 'failed' | 'skipped';

export interface ChangeOutcomeRecord {
  seq: number;
  address: string;
  action: string;
  driver: string;
  host: string | null;
  status: OutcomeStatus;
  output: string;
  /** The first error, `CODE: summary` (for readers of older stores). */
  error: string | null;
  /** JSON array of the outcome's diagnostics. */
  diagnosticsJson: string | null;
  /** JSON of the resource's last known state (never secrets). */
  stateJson: string | null;
  finishedAt: number;
}

/** `planMessagesJson`: the applied plan as a JSON array of its `plan --json` messages (the API's /v1/plan/latest). */
export async function startApplyRun(
  store: Store,
  run: { commit: string | null; planHash: string; holder: string; startedAt: number; planMessagesJson?: string },
): Promise<number> {
  const result = await store.run(
    "INSERT INTO apply_runs (commit_id, plan_hash, holder, started_at, status, plan_messages_json) VALUES (?, ?, ?, ?, 'running', ?)",
    [run.commit, run.planHash, run.holder, run.startedAt, run.planMessagesJson ?? null],
  );
  return result.lastId;
}

const OUTCOME_COLUMNS = '(run_id, seq, address, action, driver, host, status, output, error, diagnostics_json, state_json, finished_at)';
const OUTCOME_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** Rows per INSERT of a batch: 12 values each, under 999 variables, the limit of SQLite builds
 * before 3.32 (a store may be opened by a sqlite3 built against the system's library). */
const OUTCOME_ROWS_PER_INSERT = 80;

/** Each outcome is written as soon as its change ends: a crash mid-apply still leaves a record
 * of everything done before it. */
export async function recordChangeOutcome(store: Store, runId: number, outcome: ChangeOutcomeRecord): Promise<void> {
  await store.run(`INSERT INTO change_outcomes ${OUTCOME_COLUMNS} VALUES ${OUTCOME_ROW}`, outcomeParams(runId, outcome));
}

/** Outcomes that ended together (a driver's batch), written in one transaction with many rows an
 * INSERT: all of them or none. The 653 outcomes of a first Zabbix publish of 500 hosts took 0.2-0.6 s
 * one statement each on the loaded lab machine (each a round trip to SQLite's thread), 10-40 ms so. */
export async function recordChangeOutcomes(store: Store, runId: number, outcomes: readonly ChangeOutcomeRecord[]): Promise<void> {
  if (outcomes.length === 0) return;
  await store.transaction(async (tx) => {
    for (let start = 0; start < outcomes.length; start += OUTCOME_ROWS_PER_INSERT) {
      const rows = outcomes.slice(start, start + OUTCOME_ROWS_PER_INSERT);
      await tx.run(
        `INSERT INTO change_outcomes ${OUTCOME_COLUMNS} VALUES ${rows.map(() => OUTCOME_ROW).join(', ')}`,
        rows.flatMap((o) => outcomeParams(runId, o)),
      );
    }
  });
}

function outcomeParams(runId: number, outcome: ChangeOutcomeRecord): SqlValue[] {
  return [
    runId,
    outcome.seq,
    outcome.address,
    outcome.action,
    outcome.driver,
    outcome.host,
    outcome.status,
    outcome.output,
    outcome.error,
    outcome.diagnosticsJson,
    outcome.stateJson,
    outcome.finishedAt,
  ];
}

/** Ends the run; on success also records the applied commit's desired state (what the API serves). */
export async function finishApplyRun(
  store: Store,
  runId: number,
  result: { ok: boolean; finishedAt: number; commit: string | null; desiredJson: string },
): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.run('UPDATE apply_runs SET finished_at = ?, status = ? WHERE id = ?', [result.finishedAt, result.ok ? 'succeeded' : 'failed', runId]);
    if (result.ok && result.commit) {
      await tx.run('INSERT OR REPLACE INTO applied_states (commit_id, desired_json, applied_at, run_id) VALUES (?, ?, ?, ?)', [
        result.commit,
        result.desiredJson,
        result.finishedAt,
        runId,
      ]);
    }
  });
}

export async function changeOutcomes(store: Store, runId: number): Promise<ChangeOutcomeRecord[]> {
  const rows = await store.all<
    Row & {
      seq: number;
      address: string;
      action: string;
      driver: string;
      host: string | null;
      status: OutcomeStatus;
      output: string;
      error: string | null;
      diagnostics_json: string | null;
      state_json: string | null;
      finished_at: number;
    }
  >('SELECT * FROM change_outcomes WHERE run_id = ? ORDER BY seq', [runId]);
  return rows.map((r) => ({
    seq: r.seq,
    address: r.address,
    action: r.action,
    driver: r.driver,
    host: r.host,
    status: r.status,
    output: r.output,
    error: r.error,
    diagnosticsJson: r.diagnostics_json,
    stateJson: r.state_json,
    finishedAt: r.finished_at,
  }));
}

export async function lastApplyRun(
  store: Store,
): Promise<{ id: number; commit: string | null; status: string; startedAt: number; finishedAt: number | null } | undefined> {
  const row = await store.get<Row & { id: number; commit_id: string | null; status: string; started_at: number; finished_at: number | null }>(
    'SELECT * FROM apply_runs ORDER BY id DESC LIMIT 1',
  );
  return row ? { id: row.id, commit: row.commit_id, status: row.status, startedAt: row.started_at, finishedAt: row.finished_at } : undefined;
}

export async function appliedState(store: Store, commit: string): Promise<{ desiredJson: string; appliedAt: number } | undefined> {
  const row = await store.get<Row & { desired_json: string; applied_at: number }>('SELECT desired_json, applied_at FROM applied_states WHERE commit_id = ?', [
    commit,
  ]);
  return row ? { desiredJson: row.desired_json, appliedAt: row.applied_at } : undefined;
}

/** The state each address had after its last applied change (drivers compare it with what they
 * observe now to tell a change made by hand). */
export async function lastAppliedStates(store: Store): Promise<Map<string, string>> {
  const rows = await store.all<Row & { address: string; state_json: string }>(
    `SELECT o.address, o.state_json FROM change_outcomes o
     WHERE o.status = 'applied' AND o.state_json IS NOT NULL
       AND o.finished_at = (SELECT max(p.finished_at) FROM change_outcomes p WHERE p.address = o.address AND p.status = 'applied')`,
  );
  return new Map(rows.map((r) => [r.address, r.state_json]));
}
