import type { Row } from '../file/sqlite.js';
import type { Store } from '../open-store.js';

export interface ApplyLock {
  holder: string;
  host: string;
  pid: number;
  commit: string | null;
  since: number;
}

interface LockRow extends Row {
  holder: string;
  host: string;
  pid: number;
  commit_id: string | null;
  since: number;
}

export async function readApplyLock(store: Store): Promise<ApplyLock | undefined> {
  const row = await store.get<LockRow>('SELECT holder, host, pid, commit_id, since FROM apply_lock WHERE id = 1');
  return row ? { holder: row.holder, host: row.host, pid: row.pid, commit: row.commit_id, since: row.since } : undefined;
}

/** Takes the lock if nobody holds it; returns the holder otherwise. Invariant: one transaction
 * (BEGIN IMMEDIATE), so two applies racing for it cannot both win. */
export async function tryTakeApplyLock(store: Store, lock: ApplyLock): Promise<{ taken: true } | { taken: false; heldBy: ApplyLock }> {
  return store.transaction(async (tx) => {
    const row = await tx.get<LockRow>('SELECT holder, host, pid, commit_id, since FROM apply_lock WHERE id = 1');
    if (row) return { taken: false as const, heldBy: { holder: row.holder, host: row.host, pid: row.pid, commit: row.commit_id, since: row.since } };
    await tx.run('INSERT INTO apply_lock (id, holder, host, pid, commit_id, since) VALUES (1, ?, ?, ?, ?, ?)', [
      lock.holder,
      lock.host,
      lock.pid,
      lock.commit,
      lock.since,
    ]);
    return { taken: true as const };
  });
}

/** Releases the lock if `pid`/`host` still hold it (never someone else's). */
export async function releaseApplyLock(store: Store, owner: { host: string; pid: number }): Promise<void> {
  await store.run('DELETE FROM apply_lock WHERE id = 1 AND host = ? AND pid = ?', [owner.host, owner.pid]);
}

/** Removes the lock whoever holds it (`pytin lock break`); returns what was removed. */
export async function breakApplyLock(store: Store): Promise<ApplyLock | undefined> {
  return store.transaction(async (tx) => {
    const row = await tx.get<LockRow>('SELECT holder, host, pid, commit_id, since FROM apply_lock WHERE id = 1');
    await tx.run('DELETE FROM apply_lock WHERE id = 1');
    return row ? { holder: row.holder, host: row.host, pid: row.pid, commit: row.commit_id, since: row.since } : undefined;
  });
}
