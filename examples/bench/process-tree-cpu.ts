import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds a daemon and every child it has waited for used so far (utime + stime + cutime +
 * cstime): a lab sshd's sessions, the shells and the virsh they ran, once reaped, count in it. */
function treeCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, inside parentheses): state is field 3,
  // utime..cstime are fields 14..17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0) / TICKS_PER_SECOND;
}

function hasChildren(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim() !== '';
  } catch {
    return false;
  }
}

/** The CPU seconds of some lab daemons, counted after their children are reaped: a session that
 * is still closing when the measured command exits would otherwise be counted in the next run.
 * Waits for that (bounded: 200 polls of 25 ms), then reads. */
export async function labCpuSeconds(pids: readonly number[]): Promise<number> {
  for (let poll = 0; poll < 200 && pids.some(hasChildren); poll++) await sleep(25);
  return pids.reduce((sum, pid) => sum + treeCpuSeconds(pid), 0);
}
