import { parseCronSchedule } from '../../../schemas/formats/cron.js';

/** When a schedule fires, as the inventory's `pytin-cron` format reads it (croner, in UTC;
 * day-of-month OR weekday when both are restricted). */
export interface CronSchedule {
  matches(date: Date): boolean;
}

export function parseCron(expression: string): CronSchedule | undefined {
  const cron = parseCronSchedule(expression);
  return cron ? { matches: (date) => cron.match(date) } : undefined;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WINDOW_MS = 62 * DAY_MS;

/** The longest gap between two firings over the 62 days after `from` (UTC), in ms; undefined
 * for a schedule the format refuses or one that fires at most once in that window (a monthly
 * schedule fires at least twice in 62 days). The window starts at `from`'s minute, inclusive,
 * and ends 62 days later, exclusive. */
export function longestGapMs(expression: string, from: number): number | undefined {
  // Policies share a handful of schedules: each (schedule, day) is worked out once.
  const key = `${expression}\u0000${Math.floor(from / DAY_MS)}`;
  if (!gapCache.has(key)) gapCache.set(key, computeLongestGap(expression, from));
  return gapCache.get(key);
}

const gapCache = new Map<string, number | undefined>();

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** croner decides every firing, but is asked ~150 questions rather than one per firing (walking
 * `* * * * *` with nextRun takes 89,280 calls, 1.5-2 s). That holds because a five-field
 * schedule fires at minute in M, hour in H, on a day in D, each set decided on its own field(s),
 * and UTC has no daylight saving time to move a time of day: so one firing (d0, h0, m0) gives
 * M = {m : fires at d0 h0:m}, H = {h : fires at d0 h:m0}, and a day d is in D iff it fires at
 * d + the day's first time. The firings are then every day of D times every time of H x M. */
function computeLongestGap(expression: string, from: number): number | undefined {
  const cron = parseCronSchedule(expression);
  if (!cron) return undefined;
  const start = Math.floor(from / MINUTE_MS) * MINUTE_MS;
  const end = start + WINDOW_MS;
  // nextRun(d) is the first firing strictly after d: one ms before makes `start` itself count.
  const first = cron.nextRun(new Date(start - 1))?.getTime();
  if (first === undefined || first >= end) return undefined;
  const firstDay = first - (first % DAY_MS);
  const firstHour = Math.floor((first - firstDay) / HOUR_MS);
  const firstMinute = Math.floor((first % HOUR_MS) / MINUTE_MS);
  const fires = (at: number) => cron.match(new Date(at));
  const minutes = range(60).filter((m) => fires(firstDay + firstHour * HOUR_MS + m * MINUTE_MS));
  const hours = range(24).filter((h) => fires(firstDay + h * HOUR_MS + firstMinute * MINUTE_MS));
  // Ascending: hours ascending, and minutes ascending within each hour.
  const timesOfDay = hours.flatMap((h) => minutes.map((m) => h * HOUR_MS + m * MINUTE_MS));
  let previous: number | undefined;
  let longest = 0;
  for (let day = firstDay; day < end; day += DAY_MS) {
    if (!fires(day + timesOfDay[0]!)) continue;
    for (const time of timesOfDay) {
      const at = day + time;
      if (at < start || at >= end) continue;
      if (previous !== undefined) longest = Math.max(longest, at - previous);
      previous = at;
    }
  }
  return longest > 0 ? longest : undefined;
}
