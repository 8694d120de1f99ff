import type { HostFactKind, HostFacts } from '../observe/hosts/host-facts.js';
import { HOST_FACT_KINDS } from '../observe/hosts/host-facts.js';
import { factsToJson } from './device-facts.js';
import { insertRun, lastRun, lastRuns, type ObservationRun } from './observation-runs.js';
import type { Store } from './open-store.js';
import type { Row } from './sqlite.js';

/** Stores one host observation. Invariant: per fact kind, all or nothing — a kind that was
 * observed replaces the stored one in the same transaction as the run record; a kind that could
 * not be observed (null) keeps its last good value with its own, older, observedAt. */
export async function recordHostObservation(store: Store, observation: { startedAt: number; facts: HostFacts }): Promise<number> {
  const { facts } = observation;
  const observedKinds = HOST_FACT_KINDS.filter((k) => facts[k] !== null);
  const failed = observedKinds.length === 0;
  const errors = facts.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.summary}`);
  return store.transaction(async (tx) => {
    const runId = await insertRun(tx, {
      source: 'host',
      subject: facts.host,
      startedAt: observation.startedAt,
      finishedAt: facts.observedAt,
      status: failed ? 'failed' : 'succeeded',
      error: errors.length > 0 ? errors.join('\n') : null,
    });
    for (const kind of observedKinds) {
      await tx.run(
        `INSERT OR REPLACE INTO current_facts (subject_kind, subject, fact_kind, json, observed_at, run_id)
         VALUES ('host', ?, ?, ?, ?, ?)`,
        [facts.host, kind, factsToJson(facts[kind]), facts.observedAt, runId],
      );
    }
    if (facts.domains !== null) {
      await tx.run('DELETE FROM host_domains WHERE host = ?', [facts.host]);
      for (const d of facts.domains) {
        await tx.run('INSERT INTO host_domains (host, name, uuid, state, vcpu, memory_kib, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          facts.host,
          d.name,
          d.uuid,
          d.state,
          d.vcpu,
          d.memoryKiB,
          runId,
        ]);
      }
    }
    return runId;
  });
}

export interface StoredFact<T> {
  value: T;
  observedAt: number;
  runId: number;
}

export interface StoredHostFacts {
  basics: StoredFact<NonNullable<HostFacts['basics']>> | null;
  domains: StoredFact<NonNullable<HostFacts['domains']>> | null;
  tc: StoredFact<NonNullable<HostFacts['tc']>> | null;
  backups: StoredFact<NonNullable<HostFacts['backups']>> | null;
  lastRun: ObservationRun | undefined;
}

type FactRow = Row & { subject: string; fact_kind: string; json: string; observed_at: number; run_id: number };

function storedHostFacts(rows: readonly FactRow[], run: ObservationRun | undefined): StoredHostFacts {
  const byKind = new Map(rows.map((r) => [r.fact_kind, r]));
  const fact = <T>(kind: HostFactKind): StoredFact<T> | null => {
    const row = byKind.get(kind);
    return row ? { value: JSON.parse(row.json) as T, observedAt: row.observed_at, runId: row.run_id } : null;
  };
  return { basics: fact('basics'), domains: fact('domains'), tc: fact('tc'), backups: fact('backups'), lastRun: run };
}

export async function readHostFacts(store: Store, host: string): Promise<StoredHostFacts> {
  const rows = await store.all<FactRow>("SELECT subject, fact_kind, json, observed_at, run_id FROM current_facts WHERE subject_kind = 'host' AND subject = ?", [host]);
  return storedHostFacts(rows, await lastRun(store, 'host', host));
}

/** The facts of the named hosts in two queries, whatever their number. */
export async function readManyHostFacts(store: Store, hosts: readonly string[]): Promise<Map<string, StoredHostFacts>> {
  const rows = await store.all<FactRow>("SELECT subject, fact_kind, json, observed_at, run_id FROM current_facts WHERE subject_kind = 'host'");
  const runs = await lastRuns(store, 'host');
  const bySubject = new Map<string, FactRow[]>();
  for (const row of rows) bySubject.set(row.subject, [...(bySubject.get(row.subject) ?? []), row]);
  return new Map(hosts.map((host) => [host, storedHostFacts(bySubject.get(host) ?? [], runs.get(host))]));
}

/** Which host runs a domain now, by name (a VM on the wrong hypervisor is drift). */
export async function findDomain(store: Store, name: string): Promise<{ host: string; state: string | null }[]> {
  const rows = await store.all<Row & { host: string; state: string | null }>('SELECT host, state FROM host_domains WHERE name = ? ORDER BY host', [name]);
  return rows.map((r) => ({ host: r.host, state: r.state }));
}
