import { InternalError } from '../../../inventory/core/errors.js';
import { isCronSchedule } from '../../../schemas/formats/cron.js';

interface FieldRange {
  min: number;
  max: number;
}

const MINUTE: FieldRange = { min: 0, max: 59 };
const HOUR: FieldRange = { min: 0, max: 23 };
const DAY_OF_MONTH: FieldRange = { min: 1, max: 31 };
const MONTH: FieldRange = { min: 1, max: 12 };
const WEEKDAY: FieldRange = { min: 0, max: 7 };
const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The values one field of the strict `pytin-cron` form selects (`*`, `N`, `A-B`, each with an
 * optional `/STEP`, comma-separated), ascending; undefined when it selects the whole range. */
function fieldValues(field: string, range: FieldRange): number[] | undefined {
  if (field === '*') return undefined;
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const [span, stepText] = item.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    let first: number;
    let last: number;
    if (span === '*') [first, last] = [range.min, range.max];
    else if (span.includes('-')) [first, last] = span.split('-').map(Number) as [number, number];
    else [first, last] = [Number(span), Number(span)];
    if (!(step >= 1) || first < range.min || last > range.max || first > last)
      throw new InternalError(`cron field ${JSON.stringify(field)} reached the timer translation outside the pytin-cron format`);
    // Bounded: at most max - min + 1 values per item.
    for (let v = first; v <= last; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

const twoDigits = (n: number) => String(n).padStart(2, '0');
const list = (values: number[] | undefined, format: (n: number) => string = String) => (values ? values.map(format).join(',') : '*');

/** The systemd `OnCalendar=` expressions that fire when a five-field cron schedule does, in UTC
 * (pytin plans schedules in UTC). Every field is written as the explicit list of values it selects,
 * a form every systemd reads the same way. cron fires on day-of-month OR weekday when both are
 * restricted, while one systemd expression requires both: then two expressions, one per field. */
export function onCalendarOf(schedule: string): string[] {
  if (!isCronSchedule(schedule))
    throw new InternalError(`a schedule that is not the pytin-cron format reached a timer: ${JSON.stringify(schedule.slice(0, 80))}`);
  const [minute, hour, dayOfMonth, month, weekday] = schedule.split(' ') as [string, string, string, string, string];
  const minutes = list(fieldValues(minute, MINUTE), twoDigits);
  const hours = list(fieldValues(hour, HOUR), twoDigits);
  const days = fieldValues(dayOfMonth, DAY_OF_MONTH);
  const months = list(fieldValues(month, MONTH), twoDigits);
  const weekdayValues = fieldValues(weekday, WEEKDAY);
  // cron's 0 and 7 are both Sunday.
  const weekdays = weekdayValues && [...new Set(weekdayValues.map((d) => d % 7))].sort((a, b) => a - b).map((d) => WEEKDAY_NAMES[d]!);
  const time = `${hours}:${minutes}:00 UTC`;
  const date = (dayList: string) => `*-${months}-${dayList}`;
  if (days && weekdays) return [`${date(list(days, twoDigits))} ${time}`, `${weekdays.join(',')} ${date('*')} ${time}`];
  return [`${weekdays ? `${weekdays.join(',')} ` : ''}${date(list(days, twoDigits))} ${time}`];
}
