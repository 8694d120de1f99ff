import type { Row, SqlRunner } from '../file/sqlite.js';

/** What one API request needs to know before it reads any data: who asks, and which state of the
 * store it will answer from. Read with one statement, inside the request's read snapshot, so the
 * answer's ETag and its data come from the same state. */
export interface ApiHead {
  /** The name of the token presented, when it is known and not revoked. */
  tokenName: string | null;
  /** The commit served: the one asked for (when it was applied) or the last applied one. */
  commit: string | null;
  /** Whether the commit asked for was ever applied (always true when none was asked for). */
  commitKnown: boolean;
  /** Changes whenever observation or apply writes: with the commit, it names the data an answer
   * joins (observed facts and run history), so it goes into the ETag. */
  factsGeneration: string;
}

type HeadRow = Row & {
  token_name: string | null;
  latest: string | null;
  asked: string | null;
  obs: number | null;
  runs: number | null;
  run_end: number | null;
  outcomes: number | null;
};

/** The head of the store for one request. `commit`: the one asked for (`?rev=` or a cursor's). */
export async function readApiHead(db: SqlRunner, tokenDigest: string, commit: string | null): Promise<ApiHead> {
  const row = await db.get<HeadRow>(
    `SELECT
       (SELECT name FROM api_tokens WHERE token_sha256 = ?1 AND revoked_at IS NULL) AS token_name,
       (SELECT commit_id FROM applied_states ORDER BY applied_at DESC, run_id DESC LIMIT 1) AS latest,
       (SELECT commit_id FROM applied_states WHERE commit_id = ?2) AS asked,
       (SELECT max(id) FROM observation_runs) AS obs,
       (SELECT max(id) FROM apply_runs) AS runs,
       (SELECT finished_at FROM apply_runs ORDER BY id DESC LIMIT 1) AS run_end,
       (SELECT max(rowid) FROM change_outcomes) AS outcomes`,
    [tokenDigest, commit],
  );
  // Every writer of what answers join adds a row or ends the last apply run (runs never overlap:
  // the apply lock), so these four only grow and together name the state.
  const generation = `${row?.obs ?? 0}.${row?.runs ?? 0}.${row?.run_end ?? 0}.${row?.outcomes ?? 0}`;
  if (commit !== null) return { tokenName: row?.token_name ?? null, commit, commitKnown: row?.asked === commit, factsGeneration: generation };
  return { tokenName: row?.token_name ?? null, commit: row?.latest ?? null, commitKnown: true, factsGeneration: generation };
}

/** Everything a server needs to answer the head of any request, read in one snapshot: the live
 * tokens (digest -> name), the applied commits, the last one, and the facts generation. Small
 * (a few tokens, one row per applied commit), so a server keeps it in memory until the store
 * changes (`PRAGMA data_version`) and no request reads the store for its head. */
export interface ApiState {
  tokens: ReadonlyMap<string, string>;
  applied: ReadonlySet<string>;
  latest: string | null;
  factsGeneration: string;
}

export async function readApiState(db: SqlRunner): Promise<ApiState> {
  const head = await readApiHead(db, '', null);
  const tokens = await db.all<Row & { token_sha256: string; name: string }>('SELECT token_sha256, name FROM api_tokens WHERE revoked_at IS NULL');
  const applied = await db.all<Row & { commit_id: string }>('SELECT commit_id FROM applied_states');
  return {
    tokens: new Map(tokens.map((t) => [t.token_sha256, t.name])),
    applied: new Set(applied.map((a) => a.commit_id)),
    latest: head.commit,
    factsGeneration: head.factsGeneration,
  };
}

/** The facts generation alone (see ApiHead), to confirm a snapshot reads the state a cached head named. */
export async function readFactsGeneration(db: SqlRunner): Promise<string> {
  return (await readApiHead(db, '', null)).factsGeneration;
}
