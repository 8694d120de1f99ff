import assert from 'node:assert/strict';
import { test } from 'node:test';

import { longestGapMs, parseCron } from '../../../../reconciler/drivers/backup-policy/cron-schedule.js';
import { parseCronSchedule } from '../../../../schemas/formats/cron.js';

const FROM = Date.parse('2026-11-27T00:00:00Z');
const H = 3600_000;

test('the longest gap between firings of common schedules', () => {
  const table: Array<[string, number | undefined]> = [
    ['30 2 * * *', 24 * H],
    ['*/15 * * * *', 0.25 * H],
    ['0 3 * * 1', 7 * 24 * H],
    ['0 1,13 * * *', 12 * H],
    ['0 0 1 * *', 31 * 24 * H],
    ['0 9-17/4 * * 1-5', 64 * H],
    ['61 * * * *', undefined],
    ['* * *', undefined],
    ['@daily', undefined],
  ];
  for (const [expression, expected] of table) assert.equal(longestGapMs(expression, FROM), expected, expression);
});

test('day-of-month and weekday: either matches when both are restricted (cron semantics)', () => {
  const schedule = parseCron('0 0 1 * 0')!;
  assert.ok(schedule.matches(new Date('2026-12-01T00:00:00Z'))); // the 1st, a Tuesday
  assert.ok(schedule.matches(new Date('2026-11-29T00:00:00Z'))); // a Sunday
  assert.ok(!schedule.matches(new Date('2026-11-30T00:00:00Z')));
});

test('schedules the inventory format refuses are not understood here either', () => {
  // Refused by pytin-cron at validate time; the planner reports them rather than guessing.
  for (const expression of ['5/5 * * * *', '0 0 * * mon', '30 2 * * *\n* * * * *', '30  2 * * *']) {
    assert.equal(parseCron(expression), undefined, expression);
    assert.equal(longestGapMs(expression, FROM), undefined, expression);
  }
});

test('the window is [the minute of from, 62 days later), as before croner', () => {
  assert.equal(longestGapMs('0 0 27 11,12 *', FROM), 30 * 24 * H); // Nov 27 00:00 is FROM itself: counted
  assert.equal(longestGapMs('59 23 27 12,1 *', FROM), 31 * 24 * H); // Jan 27 23:59 is the last minute inside
  assert.equal(longestGapMs('0 0 28 12,1 *', FROM), undefined); // Jan 28 00:00 is FROM + 62 days: outside
  assert.equal(longestGapMs('0 0 31 2 *', FROM), undefined); // never fires
});

/** Every firing in the window by croner's own nextRun: what longestGapMs must agree with. */
function walkedLongestGap(expression: string, from: number): number | undefined {
  const cron = parseCronSchedule(expression)!;
  const end = from + 62 * 24 * H;
  let previous: number | undefined;
  let longest = 0;
  for (let next = cron.nextRun(new Date(from - 1)); next !== null && next.getTime() < end; next = cron.nextRun(next)) {
    if (previous !== undefined) longest = Math.max(longest, next.getTime() - previous);
    previous = next.getTime();
  }
  return longest > 0 ? longest : undefined;
}

test('the longest gap agrees with walking every firing croner reports', () => {
  const from = Date.parse('2027-02-20T13:37:00Z'); // mid-day, across a month end and March 1
  for (const expression of [
    '*/7 * * * *',
    '0 9-17/4 * * 1-5',
    '0 0 1,15 * 0',
    '15,45 */5 1-10 * *',
    '0 12 * 2,3 6',
    '59 23 28-31 * *',
    '0 0 29 2 *',
    '30 13 20 2 *',
    '0-30/10 13,14 * * *',
  ]) {
    assert.equal(longestGapMs(expression, from), walkedLongestGap(expression, from), expression);
  }
});
