import type { PlanningDriver } from '../drivers/planning-driver.js';
import type { ApplyOutcome } from '../drivers/driver.js';
import type { Change } from '../plan/change.js';
import type { Plan } from '../plan/plan.js';
import type { CommandRunner } from '../transports/command-runner.js';
import { mapBounded } from '../support/bounded-parallel.js';
import type { OutcomeStatus } from '../store/apply-runs.js';

export interface ChangeOutcome {
  seq: number;
  change: Change;
  status: OutcomeStatus;
  outcome: ApplyOutcome;
  finishedAt: number;
}

export interface ApplyEngineOptions {
  drivers: readonly PlanningDriver[];
  /** The CommandRunner of a host: one SSH connection per host, reused for all its changes. */
  runnerFor(host: string): CommandRunner;
  parallelism: number;
  commit: string | null;
  /** Called as each change ends (the caller records it at once). */
  onOutcome(outcome: ChangeOutcome): Promise<void>;
  now?: () => number;
}

/** Applies a plan: hosts in parallel (bounded), each host's changes in plan order (dependency
 * order). Invariant: after a change fails on a host, that host's later changes are skipped (they
 * may depend on it) and reported as such; other hosts carry on. A driver's failure is an outcome,
 * never a throw: one bad host cannot lose the record of the others. */
export async function applyPlan(plan: Plan, options: ApplyEngineOptions): Promise<ChangeOutcome[]> {
  const now = options.now ?? Date.now;
  const byHost = new Map<string, Array<{ seq: number; change: Change }>>();
  plan.changes.forEach((change, seq) => {
    if (change.action === 'no-op') return; // shown for information, nothing to apply
    const host = change.host ?? '';
    const list = byHost.get(host) ?? [];
    list.push({ seq, change });
    byHost.set(host, list);
  });
  const perHost = await mapBounded([...byHost], options.parallelism, async ([host, changes]) => {
    const outcomes: ChangeOutcome[] = [];
    let failedAt: string | undefined;
    for (const { seq, change } of changes) {
      let outcome: ApplyOutcome;
      let status: OutcomeStatus;
      if (failedAt !== undefined) {
        status = 'skipped';
        outcome = { ok: false, output: '', error: `APPLY_SKIPPED: not attempted because ${failedAt} failed earlier on ${host}` };
      } else {
        const driver = options.drivers.find((d) => d.name === change.driver);
        if (!driver) outcome = { ok: false, output: '', error: `APPLY_NO_DRIVER: this pytin has no driver "${change.driver}" (the plan was made by another version?)` };
        else {
          try {
            outcome = await driver.apply(change, { runner: options.runnerFor(host), commit: options.commit });
          } catch (error) {
            // Drivers return failures; a throw here is a transport or a bug. Either way: recorded.
            outcome = { ok: false, output: '', error: `APPLY_CHANGE_FAILED: ${(error as Error).message}` };
          }
        }
        status = outcome.ok ? 'applied' : 'failed';
        if (!outcome.ok) failedAt = change.address;
      }
      const record = { seq, change, status, outcome, finishedAt: now() };
      await options.onOutcome(record);
      outcomes.push(record);
    }
    return outcomes;
  });
  return perHost.flat().sort((a, b) => a.seq - b.seq);
}
