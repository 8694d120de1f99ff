/** Enough of cron's five-field syntax to know how often a schedule fires: numbers, `*`, ranges
 * `a-b`, lists `a,b` and steps `*\/n` / `a-b/n`. Names (jan, mon) and @-forms are not accepted. */
const FIELDS = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12 },
  { min: 0, max: 7 },
] as const;

function parseField(text: string, min: number, max: number): Set<number> | undefined {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return undefined;
    const from = match[1] === '*' ? min : Number(match[2]);
    const to = match[1] === '*' ? max : match[3] !== undefined ? Number(match[3]) : match[4] !== undefined ? max : from;
    const step = match[4] !== undefined ? Number(match[4]) : 1;
    if (from < min || to > max || from > to || step < 1) return undefined;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

export interface CronSchedule {
  matches(date: Date): boolean;
}

export function parseCron(expression: string): CronSchedule | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return undefined;
  const sets = parts.map((p, i) => parseField(p, FIELDS[i]!.min, FIELDS[i]!.max));
  if (sets.some((s) => s === undefined)) return undefined;
  const [minute, hour, day, month, weekday] = sets as Set<number>[];
  if (weekday!.has(7)) weekday!.add(0);
  const dayRestricted = parts[2] !== '*';
  const weekdayRestricted = parts[4] !== '*';
  return {
    matches(date) {
      if (!minute!.has(date.getUTCMinutes()) || !hour!.has(date.getUTCHours()) || !month!.has(date.getUTCMonth() + 1)) return false;
      // cron: when both day fields are restricted, either one matching is enough.
      const dayOk = day!.has(date.getUTCDate());
      const weekdayOk = weekday!.has(date.getUTCDay());
      return dayRestricted && weekdayRestricted ? dayOk || weekdayOk : dayOk && weekdayOk;
    },
  };
}

/** The longest gap between two firings over the 62 days after `from` (UTC), in ms; undefined
 * for an unparseable schedule or one that fires at most once in that window (a monthly schedule
 * fires at least twice in 62 days). Bounded: 89,280
 * minutes are examined. */
export function longestGapMs(expression: string, from: number): number | undefined {
  // Policies share a handful of schedules: each (schedule, day) is worked out once.
  const key = `${expression}\u0000${Math.floor(from / 86_400_000)}`;
  if (!gapCache.has(key)) gapCache.set(key, computeLongestGap(expression, from));
  return gapCache.get(key);
}

const gapCache = new Map<string, number | undefined>();

function computeLongestGap(expression: string, from: number): number | undefined {
  const schedule = parseCron(expression);
  if (!schedule) return undefined;
  const start = Math.floor(from / 60_000) * 60_000;
  let previous: number | undefined;
  let longest = 0;
  for (let i = 0; i < 62 * 24 * 60; i++) {
    const at = start + i * 60_000;
    if (!schedule.matches(new Date(at))) continue;
    if (previous !== undefined) longest = Math.max(longest, at - previous);
    previous = at;
  }
  return longest > 0 ? longest : undefined;
}
