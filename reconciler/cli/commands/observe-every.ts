import { assertNever } from '../../../inventory/core/errors.js';
import { runOnAlignedSchedule, type ScheduleEvent } from '../../support/aligned-schedule.js';
import { type CommandIO, UsageError } from '../command.js';
import { EXIT_OK, type ExitCode } from '../exit-codes.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;
const DAY_MS = 86_400_000;

/** `--every` as milliseconds: `5m`, `300s`, `1h`. The interval must divide a day, so the
 * boundaries fall on the same wall-clock times every day (00:00, 00:05, ... UTC); an error text
 * otherwise. Billing buckets are 5 minutes: 5m (or a divisor of it) is what usage needs. */
export function parseEvery(text: string): number | string {
  const match = /^([1-9][0-9]{0,4})([smh])$/.exec(text);
  if (!match) return `--every must be a duration such as 5m, 300s or 1h, got "${text.slice(0, 40)}"`;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms > DAY_MS || DAY_MS % ms !== 0) return `--every ${text} does not divide a day evenly; use 1m, 5m, 10m, 15m, 1h, ...`;
  return ms;
}

const hhmmss = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');

function describe(event: ScheduleEvent): string {
  switch (event.type) {
    case 'waiting':
      return `next observation at ${hhmmss(event.next)}`;
    case 'started':
      return `observation of ${hhmmss(event.boundary)} started`;
    case 'finished':
      return `observation of ${hhmmss(event.boundary)} finished in ${((event.at - event.boundary) / 1000).toFixed(1)} s`;
    case 'skipped':
      return `skipped ${event.boundaries.map(hhmmss).join(', ')}: the previous observation was still running (never two at once)`;
    case 'stopping':
      return event.running ? 'stop requested: finishing the current observation, then exiting' : 'stop requested: exiting';
    case 'stopped':
      return 'stopped';
    default:
      return assertNever(event, 'schedule event');
  }
}

/** Keeps observing on the boundaries of `intervalMs` until SIGTERM or SIGINT, which let the
 * current walk finish (its facts are stored) and then exit 0. A failed observation is reported
 * and the schedule goes on: a device down at 10:05 must not stop the samples of 10:10. */
export async function observeOnSchedule(io: CommandIO, intervalMs: number, observeOnce: () => Promise<ExitCode>): Promise<ExitCode> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await runOnAlignedSchedule({
      intervalMs,
      stop: controller.signal,
      onEvent: (event) => io.stderr.write(`pytin observe: ${describe(event)}\n`),
      async run() {
        try {
          const code = await observeOnce();
          if (code !== EXIT_OK) io.stderr.write(`pytin observe: this observation had failures (exit status ${code}); the schedule goes on\n`);
        } catch (error) {
          // A mistake on the command line stays fatal; anything else (a store the disk filled, a
          // broken repository) is reported and the next boundary tries again.
          if (error instanceof UsageError) throw error;
          io.stderr.write(`pytin observe: this observation failed: ${error instanceof Error ? error.message : String(error)}; the schedule goes on\n`);
        }
      },
    });
  } finally {
    process.removeListener('SIGTERM', stop);
    process.removeListener('SIGINT', stop);
  }
  return EXIT_OK;
}
