import assert from 'node:assert/strict';
import { test } from 'node:test';

import { nextBoundary, runOnAlignedSchedule, type ScheduleClock, type ScheduleEvent, SYSTEM_CLOCK } from '../../../reconciler/support/aligned-schedule.js';

const MIN = 60_000;
const FIVE = 5 * MIN;
/** 2026-12-02T10:02:13Z */
const START = Date.UTC(2026, 11, 2, 10, 2, 13);
const at = (hh: number, mm: number, ss = 0) => Date.UTC(2026, 11, 2, hh, mm, ss);

/** Simulated time: sleeping jumps the clock to the wake-up time; a run advances it by its
 * scripted duration. Nothing waits on the real clock. */
function simulatedClock(start: number): ScheduleClock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleepUntil: async (until, stop) => {
      if (!stop.aborted) now = Math.max(now, until);
    },
    advance: (ms) => void (now += ms),
  };
}

async function schedule(durations: number[], options: { stopDuringRun?: number; stopWhileWaitingAfter?: number } = {}) {
  const clock = simulatedClock(START);
  const controller = new AbortController();
  const events: ScheduleEvent[] = [];
  const starts: Array<{ boundary: number; at: number }> = [];
  let running = 0;
  let maxRunning = 0;
  let waits = 0;
  await runOnAlignedSchedule({
    intervalMs: FIVE,
    stop: controller.signal,
    clock,
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'waiting' && ++waits > (options.stopWhileWaitingAfter ?? Infinity)) controller.abort();
    },
    async run(boundary) {
      running++;
      maxRunning = Math.max(maxRunning, running);
      starts.push({ boundary, at: clock.now() });
      clock.advance(durations[starts.length - 1] ?? 1000);
      if (starts.length === options.stopDuringRun) controller.abort();
      if (starts.length >= durations.length) controller.abort();
      await Promise.resolve();
      running--;
    },
  });
  return { events, starts, maxRunning };
}

test('runs start on the 5-minute boundaries, never before, the first at the next boundary', async () => {
  const { starts, maxRunning } = await schedule([20_000, 31_000, 4_000]);
  assert.deepEqual(
    starts.map((s) => s.boundary),
    [at(10, 5), at(10, 10), at(10, 15)],
  );
  for (const s of starts) assert.ok(s.at >= s.boundary);
  assert.equal(maxRunning, 1);
});

test('a run that overruns skips the boundaries it missed, says so, and never overlaps the next', async () => {
  // The second run (10:10) lasts 11 minutes: 10:15 and 10:20 are skipped; the next is 10:25.
  const { starts, events, maxRunning } = await schedule([20_000, 11 * MIN, 1000]);
  assert.deepEqual(
    starts.map((s) => s.boundary),
    [at(10, 5), at(10, 10), at(10, 25)],
  );
  const skipped = events.filter((e) => e.type === 'skipped');
  assert.deepEqual(skipped, [{ type: 'skipped', boundaries: [at(10, 15), at(10, 20)], overranBy: 6 * MIN }]);
  assert.equal(maxRunning, 1);
});

test('a stop request during a run lets it finish, then the schedule ends', async () => {
  const { starts, events } = await schedule([20_000, 20_000, 20_000], { stopDuringRun: 2 });
  assert.equal(starts.length, 2);
  const types = events.map((e) => e.type);
  assert.deepEqual(types.slice(-3), ['stopping', 'finished', 'stopped']);
  assert.deepEqual(
    events.find((e) => e.type === 'stopping'),
    { type: 'stopping', running: true },
  );
});

test('a stop request while waiting ends the schedule at once', async () => {
  const { starts, events } = await schedule([1000, 1000, 1000], { stopWhileWaitingAfter: 1 });
  assert.equal(starts.length, 1);
  assert.deepEqual(
    events.map((e) => e.type),
    ['waiting', 'started', 'finished', 'waiting', 'stopping', 'stopped'],
  );
});

test('the next boundary of a time on a boundary is that time', () => {
  assert.equal(nextBoundary(at(10, 5), FIVE), at(10, 5));
  assert.equal(nextBoundary(at(10, 5) + 1, FIVE), at(10, 10));
});

test('the system clock never wakes before the time asked, and wakes at once when stopped', async () => {
  const until = Date.now() + 120;
  await SYSTEM_CLOCK.sleepUntil(until, new AbortController().signal);
  assert.ok(Date.now() >= until);
  const controller = new AbortController();
  const sleeping = SYSTEM_CLOCK.sleepUntil(Date.now() + 3_600_000, controller.signal);
  controller.abort();
  await sleeping; // would hang for an hour (and fail the test's timeout) if the stop were ignored
});
