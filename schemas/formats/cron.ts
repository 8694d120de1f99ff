import { Cron } from 'croner';

/** Longer than any real five-field schedule (`0,5,10,...,55 * * * *` is 33 characters). */
export const CRON_MAX_LENGTH = 100;

/** Five fields separated by one ASCII space each, every field only digits and `* , - /`.
 * A schedule is written verbatim into a cron.d line on a host, so this is what keeps an
 * inventory value from adding a line or a command there: no whitespace but the single space
 * (not \n \r \v \f \t, U+0085, U+2028, U+2029, no-break or other Unicode spaces), no NUL or
 * other control character, no `@reboot`-style forms, no `#`, `%` or names. (Month and weekday
 * names are refused too: Vixie cron and cronie disagree on names in ranges and lists, numbers
 * mean the same to every cron.) The class lists what is allowed, so nothing else gets through;
 * JS `$` without the m flag matches only at the very end. */
const CRON_SYNTAX = /^[0-9*,/-]+(?: [0-9*,/-]+){4}$/;

/** Options that make croner read what the host's cron.d reads: exactly five fields, in UTC (the
 * planner reasons in UTC), and day-of-month OR weekday when both are restricted (cron's rule).
 * The job is never started: no function is given and it is paused. */
const CRON_OPTIONS = { mode: '5-part', utcOffset: 0, domAndDow: false, paused: true } as const;

/** A schedule as croner reads it, after the strict syntax check; undefined if either refuses it
 * (out of range `61 * * * *`, reversed range `5-1`, step 0, `5/5` which crons read differently).
 * Memoised: croner takes ~0.1 ms to read a pattern, and an inventory repeats a few schedules over
 * hundreds of policies (validated, then planned). The Cron objects are only queried (match,
 * nextRun), never started, so sharing them is safe. */
export function parseCronSchedule(text: string): Cron | undefined {
  if (parsed.has(text)) return parsed.get(text);
  const cron = readCron(text);
  if (parsed.size >= MEMO_SIZE) parsed.clear();
  parsed.set(text, cron);
  return cron;
}

const MEMO_SIZE = 1024;
const parsed = new Map<string, Cron | undefined>();

function readCron(text: string): Cron | undefined {
  if (text.length > CRON_MAX_LENGTH || !CRON_SYNTAX.test(text)) return undefined;
  try {
    return new Cron(text, CRON_OPTIONS);
  } catch {
    return undefined;
  }
}

/** The `pytin-cron` format. */
export function isCronSchedule(text: string): boolean {
  return parseCronSchedule(text) !== undefined;
}
