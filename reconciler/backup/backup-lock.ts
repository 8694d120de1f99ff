import { link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { errnoCode } from './backup-diagnostic.js';

/** Who holds a series lock. `processStart` (the kernel's start time of the process, in clock
 * ticks since boot) tells a live holder from an unrelated process that reuses its pid. */
export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  processStart: string | null;
  /** The lock file could not be parsed (emptied by a crash before its data reached the disk);
   * `startedAt` is then its modification time. */
  torn?: boolean;
}

/** A torn lock younger than this may still be being written; older, nobody is writing it. */
const TORN_LOCK_GRACE_MS = 60_000;

export type LockLiveness = 'alive' | 'dead' | 'unknown';

export type LockAttempt =
  | { status: 'acquired'; release(): Promise<void>; tookOverFrom: LockInfo | null }
  | { status: 'held'; holder: LockInfo; liveness: LockLiveness };

/** The kernel start time of `pid` (field 22 of /proc/PID/stat), or null where there is no /proc. */
export function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields after it follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the holder still runs. Only a holder on this host can be checked. */
export function lockLiveness(holder: LockInfo, thisHost = hostname(), now = Date.now()): LockLiveness {
  if (holder.torn) return now - Date.parse(holder.startedAt) > TORN_LOCK_GRACE_MS ? 'dead' : 'alive';
  if (holder.host !== thisHost) return 'unknown';
  // A lock from before the last boot belongs to a process that cannot exist any more, whatever
  // runs under its pid now.
  const boot = bootTime();
  if (boot !== null && Date.parse(holder.startedAt) < boot) return 'dead';
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if (errnoCode(error) === 'ESRCH') return 'dead';
    // EPERM: the process exists but belongs to someone else.
  }
  if (holder.processStart !== null) {
    const now = processStartOf(holder.pid);
    if (now !== null && now !== holder.processStart) return 'dead';
  }
  return 'alive';
}

export async function readLock(path: string): Promise<LockInfo | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (Number.isSafeInteger(v.pid) && typeof v.host === 'string' && typeof v.startedAt === 'string') {
      return { pid: v.pid!, host: v.host, startedAt: v.startedAt, processStart: typeof v.processStart === 'string' ? v.processStart : null };
    }
  } catch {
    // fall through: unparsable
  }
  // acquireLock links a complete file into place, but after a power cut the file may be there
  // without its data. Such a lock must not block every later run.
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return undefined;
  return { pid: 0, host: 'unknown', startedAt: info.mtime.toISOString(), processStart: null, torn: true };
}

/** When this host booted (ms since the epoch), from /proc/stat; null where unknown. */
function bootTime(): number | null {
  try {
    const line = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return line ? Number(line[1]) * 1000 : null;
  } catch {
    return null;
  }
}

function sameHolder(a: LockInfo, b: LockInfo): boolean {
  return a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt && a.torn === b.torn;
}

/** Takes the lock at `path`. The lock file appears complete or not at all (written aside, then
 * hard-linked into place, which fails if a lock exists). A lock whose process is gone is taken
 * over; a live one, or one of another host, is refused. */
export async function acquireLock(path: string, now = new Date()): Promise<LockAttempt> {
  const me: LockInfo = { pid: process.pid, host: hostname(), startedAt: now.toISOString(), processStart: processStartOf(process.pid) };
  // Unique per attempt: two runs inside one process (per-user, tests) must not share it.
  const aside = `${path}.${process.pid}.${randomUUID()}.partial`;
  await writeFile(aside, `${JSON.stringify(me)}\n`);
  let tookOverFrom: LockInfo | null = null;
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(aside, path);
        return { status: 'acquired', tookOverFrom, release: () => releaseLock(path, me) };
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') throw error;
      }
      const holder = await readLock(path);
      if (holder === undefined) continue; // released meanwhile
      const liveness = lockLiveness(holder);
      if (liveness !== 'dead') return { status: 'held', holder, liveness };
      // Move the stale lock aside, then check that what was moved is the lock judged dead: a
      // concurrent run may have taken it over and written its own between our read and rename.
      const grabbed = `${path}.stale.${process.pid}`;
      try {
        await rename(path, grabbed);
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') continue;
        throw error;
      }
      const moved = await readLock(grabbed);
      if (moved !== undefined && sameHolder(moved, holder)) {
        await unlink(grabbed);
        tookOverFrom = holder;
        continue;
      }
      // We moved a live lock: put it back (unless yet another run took the place) and give up.
      await link(grabbed, path).catch(() => undefined);
      await unlink(grabbed).catch(() => undefined);
      return { status: 'held', holder: moved ?? holder, liveness: 'alive' };
    }
    const holder = await readLock(path);
    return { status: 'held', holder: holder ?? me, liveness: 'unknown' };
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

/** Removes the lock only if it is still ours. */
async function releaseLock(path: string, me: LockInfo): Promise<void> {
  const holder = await readLock(path).catch(() => undefined);
  if (holder !== undefined && sameHolder(holder, me)) await unlink(path).catch(() => undefined);
}
