import { readFileSync } from 'node:fs';
import { link, lstat, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';

import { errnoCode } from '../backup-diagnostic.js';
import { createExclusiveFile, readRegularFile, UnsafeFileError } from '../fs/safe-fs.js';
import { RUN_TOKEN_PATTERN } from './series-files.js';

/** Who holds a series lock. `processStart` (the kernel's start time of the process, in clock
 * ticks since boot) tells a live holder from an unrelated process that reuses its pid. */
export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  processStart: string | null;
  /** The run's token, which names its temporary files (null in locks of older versions). */
  token: string | null;
  /** The lock file could not be parsed (emptied by a crash before its data reached the disk);
   * `startedAt` is then its modification time. */
  torn?: boolean;
}

/** A torn lock younger than this may still be being written; older, nobody is writing it. */
const TORN_LOCK_GRACE_MS = 60_000;

export type LockLiveness = 'alive' | 'dead' | 'unknown';

export type LockAttempt =
  { status: 'acquired'; release(): Promise<void>; tookOverFrom: LockInfo | null } | { status: 'held'; holder: LockInfo; liveness: LockLiveness };

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

/** A lock is one short JSON object. */
const MAX_LOCK_BYTES = 64 * 1024;

/** The holder of the lock at `path`; undefined if there is none. A lock that is a symbolic link,
 * not a regular file, or not written by pytin throws UnsafeFileError: it is neither read through
 * nor taken over. */
export async function readLock(path: string): Promise<LockInfo | undefined> {
  let text: string;
  try {
    text = await readRegularFile(path, MAX_LOCK_BYTES);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (Number.isSafeInteger(v.pid) && v.pid! > 0 && typeof v.host === 'string' && typeof v.startedAt === 'string') {
      return {
        pid: v.pid!,
        host: v.host,
        startedAt: v.startedAt,
        processStart: typeof v.processStart === 'string' ? v.processStart : null,
        // Checked here: the token names files this run will remove.
        token: typeof v.token === 'string' && RUN_TOKEN_PATTERN.test(v.token) ? v.token : null,
      };
    }
  } catch {
    // fall through: unparsable
  }
  // acquireLock links a complete, flushed file into place, but a lock of an older version, or one
  // on a file system that lost it, may be there without its data (empty, or zeros): such a lock
  // must not block every run. Any other content is not a lock pytin wrote, and a takeover would
  // remove another program's file.
  if (!/^\0*$/.test(text)) throw new UnsafeFileError(path, 'is not a lock pytin wrote');
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return undefined;
  return { pid: 0, host: 'unknown', startedAt: info.mtime.toISOString(), processStart: null, token: null, torn: true };
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
  return a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt && a.token === b.token && a.torn === b.torn;
}

/** Takes the lock at `path` for the run with `token`. The lock file appears complete or not at
 * all: written (0600) and flushed under the run's temporary name `aside`, then hard-linked into
 * place, which fails if a lock exists. A lock whose process is gone is taken over; a live one, or
 * one of another host, is refused. */
export async function acquireLock(path: string, aside: string, token: string, now = new Date()): Promise<LockAttempt> {
  const me: LockInfo = { pid: process.pid, host: hostname(), startedAt: now.toISOString(), processStart: processStartOf(process.pid), token };
  const handle = await createExclusiveFile(aside);
  let tookOverFrom: LockInfo | null = null;
  try {
    try {
      await handle.writeFile(`${JSON.stringify(me)}\n`);
      // Flushed before it becomes the lock: a power cut must not leave a lock without its token.
      await handle.sync();
    } finally {
      await handle.close();
    }
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
      const grabbed = aside.replace(/\.partial$/, '.stale');
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
