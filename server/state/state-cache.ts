import { BACKUP_FACTS_KEY } from '../../reconciler/drivers/backup-policy/observe-backups.js';
import { KVM_FACTS_KEY } from '../../reconciler/drivers/kvm/observe-domains.js';
import { knownAddresses } from '../../reconciler/store/api/address-records.js';
import { readFactsGeneration } from '../../reconciler/store/api/api-head.js';
import { type AddressSighting, allSightings, appliedDesiredJson, hostFactsOfKind } from '../../reconciler/store/api/api-reads.js';
import { type DomainSightings, domainSightings } from '../../reconciler/store/api/api-records.js';
import { type AppliedModel, appliedModel } from '../../reconciler/store/api/applied-model.js';
import type { SqlRunner } from '../../reconciler/store/file/sqlite.js';
import type { Store } from '../../reconciler/store/open-store.js';

/** The observed side of one state of the store, shared by the requests that read it. */
interface ObservedState {
  sightings: Map<string, AddressSighting>;
  known: ReturnType<typeof knownAddresses>;
  domains: DomainSightings;
  backupFacts: Array<{ host: string; json: string; observedAt: number }>;
}

/** Thrown when a snapshot finds the store at another facts generation than the head the request
 * started from: the request starts again from a fresh head, so it never mixes two states. */
export class StoreMovedError extends Error {
  override readonly name = 'StoreMovedError';
}

/** What a request reads: the commit's model and the observed side, each loaded once per state
 * and shared, or the store itself in a snapshot confirmed to be at the request's state. */
export interface RequestState {
  commit: string;
  model(): Promise<AppliedModel>;
  observed(): Promise<ObservedState>;
  snapshot<T>(body: (db: SqlRunner) => Promise<T>): Promise<T>;
}

async function loadModel(db: SqlRunner, commit: string): Promise<AppliedModel> {
  const applied = await appliedDesiredJson(db, commit);
  if (!applied) throw new Error(`commit ${commit} has no applied state`);
  return appliedModel(commit, applied.appliedAt, applied.json);
}

async function loadObserved(db: SqlRunner, model: AppliedModel): Promise<ObservedState> {
  const sightings = await allSightings(db);
  const domainFacts = await hostFactsOfKind(db, KVM_FACTS_KEY);
  const backupFacts = await hostFactsOfKind(db, BACKUP_FACTS_KEY);
  return { sightings, known: knownAddresses(model, sightings), domains: domainSightings(domainFacts), backupFacts };
}

/** Every read inside the caller's snapshot, no cache: the slow path of a request that found the
 * store moving (a cached load may be queued behind this very snapshot on the connection). */
function inSnapshot(db: SqlRunner, commit: string): RequestState {
  let model: Promise<AppliedModel> | undefined;
  let observed: Promise<ObservedState> | undefined;
  const getModel = () => (model ??= loadModel(db, commit));
  return {
    commit,
    model: getModel,
    observed: () => (observed ??= getModel().then((m) => loadObserved(db, m))),
    snapshot: (body) => body(db),
  };
}

/** A small map that forgets the oldest entry past `size`. */
function bounded<V>(size: number) {
  const map = new Map<string, V>();
  return {
    get: (key: string) => map.get(key),
    delete: (key: string) => map.delete(key),
    set: (key: string, value: V) => {
      map.set(key, value);
      if (map.size > size) map.delete(map.keys().next().value!);
    },
  };
}

/** Caches keyed by what makes them immutable: a commit's applied model never changes; the
 * observed side is keyed by (commit, facts generation) and read in a snapshot that confirms the
 * generation, so a cached entry is exactly what any snapshot of that state would read. */
export function stateCache(store: Store): { forRequest(commit: string, generation: string, snapshot?: SqlRunner): RequestState } {
  const models = bounded<Promise<AppliedModel>>(4);
  const observed = bounded<Promise<ObservedState>>(4);
  const remember = <V>(cache: ReturnType<typeof bounded<Promise<V>>>, key: string, load: () => Promise<V>): Promise<V> => {
    let entry = cache.get(key);
    if (!entry) {
      entry = load();
      cache.set(key, entry);
      // A failed load is not remembered: the next request tries again.
      entry.catch(() => cache.delete(key));
    }
    return entry;
  };
  const confirmed = <T>(generation: string, body: (db: SqlRunner) => Promise<T>) =>
    store.readSnapshot(async (db) => {
      if ((await readFactsGeneration(db)) !== generation) throw new StoreMovedError('the store changed since the head was read');
      return body(db);
    });
  return {
    forRequest(commit, generation, snapshot) {
      if (snapshot) return inSnapshot(snapshot, commit);
      const model = () => remember(models, commit, () => store.readSnapshot((db) => loadModel(db, commit)));
      return {
        commit,
        model,
        observed: () =>
          remember(observed, `${commit}|${generation}`, async () => {
            const m = await model();
            return confirmed(generation, (db) => loadObserved(db, m));
          }),
        snapshot: (body) => confirmed(generation, body),
      };
    },
  };
}
