import type { Row } from '../file/sqlite.js';
import type { Store } from '../open-store.js';
import { factsToJson } from './device-facts.js';
import { insertRun, lastRun, lastRuns, type ObservationRun } from './observation-runs.js';

/** One host observation as the store keeps it: one JSON document per fact kind ('basics', and
 * each driver's facts key). The store does not know the documents' types: each driver owns its
 * own and reads back what it wrote. */
export interface HostFactsRecord {
  host: string;
  startedAt: number;
  observedAt: number;
  /** By fact kind; null: the kind could not be observed this time. */
  facts: ReadonlyMap<string, unknown>;
  /** `CODE: summary` of each error of the observation (kept with the run). */
  errors: readonly string[];
}

/** Stores one host observation. Invariant: per fact kind, all or nothing — a kind that was
 * observed replaces the stored one in the same transaction as the run record; a kind that could
 * not be observed (null) keeps its last good value with its own, older, observedAt. */
export async function recordHostObservation(store: Store, record: HostFactsRecord): Promise<number> {
  const observed = [...record.facts].filter(([, value]) => value !== null && value !== undefined);
  return store.transaction(async (tx) => {
    const runId = await insertRun(tx, {
      source: 'host',
      subject: record.host,
      startedAt: record.startedAt,
      finishedAt: record.observedAt,
      status: observed.length === 0 ? 'failed' : 'succeeded',
      error: record.errors.length > 0 ? record.errors.join('\n') : null,
    });
    for (const [kind, value] of observed) {
      await tx.run(
        `INSERT OR REPLACE INTO current_facts (subject_kind, subject, fact_kind, json, observed_at, run_id)
         VALUES ('host', ?, ?, ?, ?, ?)`,
        [record.host, kind, factsToJson(value), record.observedAt, runId],
      );
    }
    return runId;
  });
}

export interface StoredFact<T> {
  value: T;
  /** The value's JSON text as stored (written by factsToJson): what the plan's fingerprint hashes
   * for a driver that plans from the whole value, without serialising it again. */
  json: string;
  observedAt: number;
  runId: number;
}

/** The last good facts of a host, by fact kind, and its latest observation run. */
export interface StoredHostFacts {
  facts: ReadonlyMap<string, StoredFact<unknown>>;
  lastRun: ObservationRun | undefined;
}

type FactRow = Row & { subject: string; fact_kind: string; json: string; observed_at: number; run_id: number };

function storedHostFacts(rows: readonly FactRow[], run: ObservationRun | undefined): StoredHostFacts {
  return {
    facts: new Map(rows.map((r) => [r.fact_kind, { value: JSON.parse(r.json) as unknown, json: r.json, observedAt: r.observed_at, runId: r.run_id }])),
    lastRun: run,
  };
}

export async function readHostFacts(store: Store, host: string): Promise<StoredHostFacts> {
  const rows = await store.all<FactRow>("SELECT subject, fact_kind, json, observed_at, run_id FROM current_facts WHERE subject_kind = 'host' AND subject = ?", [
    host,
  ]);
  return storedHostFacts(rows, await lastRun(store, 'host', host));
}

/** The facts of the named hosts in two queries, whatever their number. */
export async function readManyHostFacts(store: Store, hosts: readonly string[]): Promise<Map<string, StoredHostFacts>> {
  const rows = await store.all<FactRow>("SELECT subject, fact_kind, json, observed_at, run_id FROM current_facts WHERE subject_kind = 'host'");
  const runs = await lastRuns(store, 'host');
  const bySubject = new Map<string, FactRow[]>();
  for (const row of rows) {
    const list = bySubject.get(row.subject);
    if (list) list.push(row);
    else bySubject.set(row.subject, [row]);
  }
  return new Map(hosts.map((host) => [host, storedHostFacts(bySubject.get(host) ?? [], runs.get(host))]));
}
