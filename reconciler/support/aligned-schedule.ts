/** Runs a job on wall-clock boundaries (every 5 minutes at :00, :05, ...), one run at a time.
 *
 * Invariants: two runs never overlap — a run that lasts past one or more boundaries makes the
 * schedule skip them (reported, never queued up to run back to back); a run never starts before
 * its boundary; a stop request never interrupts a run, it ends the schedule once the current run
 * has finished (or at once while waiting). */

export interface ScheduleClock {
  now(): number;
  /** Resolves at `at` (not before) or as soon as `stop` aborts. */
  sleepUntil(at: number, stop: AbortSignal): Promise<void>;
}

export type ScheduleEvent =
  | { type: 'waiting'; next: number }
  | { type: 'started'; boundary: number; at: number }
  | { type: 'finished'; boundary: number; at: number }
  | { type: 'skipped'; boundaries: number[]; overranBy: number }
  | { type: 'stopping'; running: boolean }
  | { type: 'stopped' };

export interface AlignedScheduleOptions {
  intervalMs: number;
  /** The job. It handles its own failures: a rejection ends the schedule (a bug, not a result). */
  run(boundary: number): Promise<void>;
  stop: AbortSignal;
  onEvent?: (event: ScheduleEvent) => void;
  clock?: ScheduleClock;
}

export const SYSTEM_CLOCK: ScheduleClock = {
  now: () => Date.now(),
  sleepUntil(at, stop) {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        stop.removeEventListener('abort', done);
        resolve();
      };
      // Timers may fire a little early by the wall clock: check again rather than trust them.
      const arm = () => {
        const wait = at - Date.now();
        if (wait <= 0) return done();
        timer = setTimeout(arm, Math.min(wait, 60_000));
      };
      if (stop.aborted) return resolve();
      stop.addEventListener('abort', done, { once: true });
      arm();
    });
  },
};

/** The first boundary at or after `at`. */
export function nextBoundary(at: number, intervalMs: number): number {
  return Math.ceil(at / intervalMs) * intervalMs;
}

export async function runOnAlignedSchedule(options: AlignedScheduleOptions): Promise<void> {
  const { intervalMs, stop } = options;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const emit = options.onEvent ?? (() => undefined);
  let running = false;
  const onStop = () => emit({ type: 'stopping', running });
  stop.addEventListener('abort', onStop, { once: true });
  try {
    let next = nextBoundary(clock.now(), intervalMs);
    while (!stop.aborted) {
      emit({ type: 'waiting', next });
      await clock.sleepUntil(next, stop);
      if (stop.aborted) break;
      const boundary = next;
      running = true;
      emit({ type: 'started', boundary, at: clock.now() });
      try {
        await options.run(boundary);
      } finally {
        running = false;
      }
      const end = clock.now();
      emit({ type: 'finished', boundary, at: end });
      next = boundary + intervalMs;
      if (end > next) {
        const skipped: number[] = [];
        while (next < end) {
          skipped.push(next);
          next += intervalMs;
        }
        emit({ type: 'skipped', boundaries: skipped, overranBy: end - skipped[0]! });
      }
    }
  } finally {
    stop.removeEventListener('abort', onStop);
  }
  emit({ type: 'stopped' });
}
