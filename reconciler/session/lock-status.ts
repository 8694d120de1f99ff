import { hostname } from 'node:os';

import type { ApplyLock } from '../store/apply/apply-lock.js';

export function describeLock(lock: ApplyLock): string {
  const age = Math.round((Date.now() - lock.since) / 1000);
  return `${lock.holder} (pid ${lock.pid} on ${lock.host}), commit ${lock.commit?.slice(0, 12) ?? 'none'}, since ${new Date(lock.since).toISOString()} (${age} s ago)`;
}

/** Whether the holder's process is gone; only knowable for a holder on this machine. */
export function holderGone(lock: ApplyLock): boolean | undefined {
  if (lock.host !== hostname()) return undefined;
  try {
    process.kill(lock.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
