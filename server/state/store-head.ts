import { type ApiState, readApiState } from '../../reconciler/store/api/api-head.js';
import type { Store } from '../../reconciler/store/open-store.js';

/** The store's head (tokens, applied commits, facts generation) kept in memory and read again
 * only when another connection has committed since: SQLite's `PRAGMA data_version` changes on
 * this connection exactly then (this server never writes). A token revoked or a commit applied
 * is therefore seen by the very next request. */
export interface StoreHead {
  current(): Promise<ApiState>;
  /** Forget the cached head (a snapshot found the store moved on). */
  invalidate(): void;
}

const ignore = () => undefined;

export function storeHead(store: Store): StoreHead {
  let cached: { version: number; state: Promise<ApiState> } | undefined;
  const check = async (): Promise<ApiState> => {
    const version = (await store.get<{ data_version: number }>('PRAGMA data_version'))?.data_version ?? -1;
    if (cached && cached.version === version) return cached.state;
    // Read after the version: if a commit lands in between, the next check sees a newer version and reads again.
    const state = store.readSnapshot(readApiState);
    const entry = { version, state };
    cached = entry;
    state.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return state;
  };
  // Requests share checks: one runs at a time, and a request that arrives while one runs waits
  // for the next, which starts after it arrived — so every request is answered from a check made
  // after it came in (nothing committed before a request is missed), at one check per round trip
  // whatever the number of requests in flight.
  let running: Promise<ApiState> | undefined;
  let queued: Promise<ApiState> | undefined;
  const start = (): Promise<ApiState> => {
    const p = check();
    running = p;
    const clear = () => {
      if (running === p) running = undefined;
    };
    p.then(clear, clear);
    return p;
  };
  return {
    current() {
      if (!running) return start();
      queued ??= running.then(ignore, ignore).then(() => {
        queued = undefined;
        return start();
      });
      return queued;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
