import { BACKUP_FACTS_KEY } from '../../reconciler/drivers/backup-policy/observe-backups.js';
import { KVM_FACTS_KEY } from '../../reconciler/drivers/kvm/observe-domains.js';
import { knownAddresses } from '../../reconciler/store/api/address-records.js';
import { type AddressSighting, allSightings, appliedDesiredJson, hostFactsOfKind } from '../../reconciler/store/api/api-reads.js';
import { type DomainSightings, domainSightings } from '../../reconciler/store/api/api-records.js';
import { type AppliedModel, appliedModel } from '../../reconciler/store/api/applied-model.js';
import type { SqlRunner } from '../../reconciler/store/file/sqlite.js';

/** The observed side of one state of the store, shared by the requests that read it. */
interface ObservedState {
  sightings: Map<string, AddressSighting>;
  known: ReturnType<typeof knownAddresses>;
  domains: DomainSightings;
  backupFacts: Array<{ host: string; json: string; observedAt: number }>;
}

/** What a request reads, loaded lazily inside its read snapshot. */
export interface RequestState {
  commit: string;
  db: SqlRunner;
  model(): Promise<AppliedModel>;
  observed(): Promise<ObservedState>;
}

/** A small map that forgets the oldest entry past `size`. */
function bounded<V>(size: number): { get(key: string): V | undefined; set(key: string, value: V): void; delete(key: string): void } {
  const map = new Map<string, V>();
  return {
    get: (key) => map.get(key),
    delete: (key) => map.delete(key),
    set: (key, value) => {
      map.set(key, value);
      if (map.size > size) map.delete(map.keys().next().value!);
    },
  };
}

/** Caches keyed by what makes them immutable: a commit's applied model never changes; the
 * observed side is keyed by (commit, facts generation), read in the same snapshot as the data,
 * so a cached entry is exactly what that snapshot would read. */
export function stateCache(): { forRequest(db: SqlRunner, commit: string, generation: string): RequestState } {
  const models = bounded<Promise<AppliedModel>>(4);
  const observed = bounded<Promise<ObservedState>>(4);
  const loadModel = async (db: SqlRunner, commit: string) => {
    const applied = await appliedDesiredJson(db, commit);
    if (!applied) throw new Error(`commit ${commit} has no applied state`);
    return appliedModel(commit, applied.appliedAt, applied.json);
  };
  return {
    forRequest(db, commit, generation) {
      const model = () => {
        let m = models.get(commit);
        if (!m) {
          m = loadModel(db, commit);
          models.set(commit, m);
          // A failed load is not remembered: the next request tries again.
          m.catch(() => models.delete(commit));
        }
        return m;
      };
      return {
        commit,
        db,
        model,
        observed: () => {
          const key = `${commit}|${generation}`;
          let o = observed.get(key);
          if (!o) {
            o = (async () => {
              const sightings = await allSightings(db);
              const [m, domainFacts, backupFacts] = [await model(), await hostFactsOfKind(db, KVM_FACTS_KEY), await hostFactsOfKind(db, BACKUP_FACTS_KEY)];
              return { sightings, known: knownAddresses(m, sightings), domains: domainSightings(domainFacts), backupFacts };
            })();
            observed.set(key, o);
            o.catch(() => observed.delete(key));
          }
          return o;
        },
      };
    },
  };
}
