import { test } from 'node:test';
import assert from 'node:assert/strict';
import { longestGapMs, parseCron } from '../../../../reconciler/drivers/backup-policy/cron-schedule.js';

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
