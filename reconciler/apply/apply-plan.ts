import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import type { ApplyOutcome, Driver, TargetTransport } from '../drivers/driver.js';
import { type Change, type ChangeTarget, changeTarget, describeTarget } from '../plan/change.js';
import type { Plan } from '../plan/plan.js';
import type { OutcomeStatus } from '../store/apply/apply-runs.js';
import { mapBounded } from '../support/bounded-parallel.js';

export interface ChangeOutcome {
  seq: number;
  change: Change;
  status: OutcomeStatus;
  outcome: ApplyOutcome;
  finishedAt: number;
  /** Commands the change ran on its host (round trips), counted by the host's runner; null for
   * changes on services, changes in a batch, and runners that do not count. */
  commands: number | null;
}

/** Told which changes are about to run and as each one ends: how publishing keeps a Zabbix
 * maintenance window open over a host while its disruptive changes run. Never throws; what it
 * could not do, it reports itself. */
export interface ApplyWatcher {
  beforeAll(changes: readonly Change[]): Promise<void>;
  changeEnded(change: Change): Promise<void>;
  /** After every change, failed ones too. */
  afterAll(): Promise<void>;
}

export interface ApplyEngineOptions {
  drivers: readonly Driver[];
  /** The transport of a target (one SSH connection per host, reused for all its changes), or the
   * diagnostic saying why the target cannot be reached at all. */
  transportFor(target: ChangeTarget): TargetTransport | Diagnostic;
  parallelism: number;
  commit: string | null;
  /** Called as each change ends (the caller records it at once). */
  onOutcome(outcome: ChangeOutcome): Promise<void>;
  /** When given, called once with the outcomes of a run of changes a driver applied together
   * (`applyBatch`: they end at the same moment) instead of onOutcome for each: the caller records
   * them at once, together (one store transaction rather than hundreds). */
  onOutcomes?(outcomes: readonly ChangeOutcome[]): Promise<void>;
  now?: () => number;
  watcher?: ApplyWatcher;
}

function failure(change: Change, code: string, summary: string): ApplyOutcome {
  return { ok: false, output: '', diagnostics: [{ severity: 'error', code, summary, address: change.address }] };
}

/** The host runner's count of commands started so far, when it keeps one. */
function commandsSoFar(transport: TargetTransport | Diagnostic | undefined): number | undefined {
  return transport !== undefined && 'kind' in transport && transport.kind === 'host' ? transport.runner.commandsRun : undefined;
}

function targetKey(target: ChangeTarget): string {
  return `${target.kind}\u0000${target.name}`;
}

/** Applies a plan: targets (hosts, services) in parallel (bounded), each target's changes in plan
 * order (dependency order). Invariant: after a change fails on a target, that target's later
 * changes are skipped (they may depend on it) and reported as such; other targets carry on. A
 * driver's failure is an outcome, never a throw: one bad target cannot lose the record of the
 * others. */
export async function applyPlan(plan: Pick<Plan, 'changes'>, options: ApplyEngineOptions): Promise<ChangeOutcome[]> {
  const watcher = options.watcher;
  if (!watcher) return applyTargets(plan, options);
  await watcher.beforeAll(plan.changes.filter((c) => c.action !== 'no-op'));
  try {
    return await applyTargets(plan, options);
  } finally {
    await watcher.afterAll();
  }
}

async function applyTargets(plan: Pick<Plan, 'changes'>, options: ApplyEngineOptions): Promise<ChangeOutcome[]> {
  const now = options.now ?? Date.now;
  const byTarget = new Map<string, { target: ChangeTarget; changes: Array<{ seq: number; change: Change }> }>();
  plan.changes.forEach((change, seq) => {
    if (change.action === 'no-op') return; // shown for information, nothing to apply
    const target = changeTarget(change);
    const group = byTarget.get(targetKey(target)) ?? { target, changes: [] };
    group.changes.push({ seq, change });
    byTarget.set(targetKey(target), group);
  });
  const perTarget = await mapBounded([...byTarget.values()], options.parallelism, async ({ target, changes }) => {
    const outcomes: ChangeOutcome[] = [];
    let failedAt: string | undefined;
    let transport: TargetTransport | Diagnostic | undefined;
    /** The outcome's status: the first failure on the target is 'failed', those after it 'skipped'. */
    const ended = (seq: number, change: Change, outcome: ApplyOutcome, commands: number | null = null): ChangeOutcome => {
      const skipped = failedAt !== undefined;
      if (!outcome.ok && !skipped) failedAt = change.address;
      return { seq, change, status: outcome.ok ? 'applied' : skipped ? 'skipped' : 'failed', outcome, finishedAt: now(), commands };
    };
    const record = async (seq: number, change: Change, outcome: ApplyOutcome, commands: number | null = null) => {
      const result = ended(seq, change, outcome, commands);
      await options.onOutcome(result);
      outcomes.push(result);
      await options.watcher?.changeEnded(change);
    };
    for (let index = 0; index < changes.length; index++) {
      const { seq, change } = changes[index]!;
      let outcome: ApplyOutcome;
      let commands: number | null = null;
      const driver = options.drivers.find((d) => d.name === change.driver);
      if (failedAt !== undefined) {
        outcome = failure(change, 'APPLY_SKIPPED', `not attempted because ${failedAt} failed earlier on ${describeTarget(target)}`);
      } else if (!driver) {
        outcome = failure(change, 'APPLY_NO_DRIVER', `this pytin has no driver "${change.driver}" (the plan was made by another version?)`);
      } else {
        transport ??= options.transportFor(target);
        if ('severity' in transport) outcome = { ok: false, output: '', diagnostics: [{ ...transport, address: change.address }] };
        else if (driver.applyBatch) {
          // The driver's consecutive changes on this target go together (a service API's batches).
          let end = index + 1;
          while (end < changes.length && changes[end]!.change.driver === driver.name) end++;
          const run = changes.slice(index, end);
          let results: ApplyOutcome[];
          try {
            results = await driver.applyBatch(
              run.map((r) => r.change),
              { target, transport, commit: options.commit },
            );
          } catch (error) {
            results = run.map((r) => failure(r.change, 'APPLY_CHANGE_FAILED', (error as Error).message));
          }
          // In a batch the driver says what it sent: every refused write is 'failed', only the
          // changes it never sent are 'skipped' (plan order says nothing about what it sent).
          const batch = run.map((r, i): ChangeOutcome => {
            const outcome = results[i] ?? failure(r.change, 'APPLY_CHANGE_FAILED', 'the driver gave no outcome');
            if (!outcome.ok && outcome.attempted !== false) failedAt ??= r.change.address;
            const status = outcome.ok ? 'applied' : outcome.attempted === false ? 'skipped' : 'failed';
            return { seq: r.seq, change: r.change, status, outcome, finishedAt: now(), commands: null };
          });
          if (options.onOutcomes) await options.onOutcomes(batch);
          else for (const result of batch) await options.onOutcome(result);
          for (const result of batch) {
            outcomes.push(result);
            await options.watcher?.changeEnded(result.change);
          }
          index = end - 1;
          continue;
        } else {
          // A target's changes run one after another, so the runner's count moves for this one only.
          const before = commandsSoFar(transport);
          try {
            outcome = await driver.apply(change, { target, transport, commit: options.commit });
          } catch (error) {
            // Drivers return failures; a throw here is a transport or a bug. Either way: recorded.
            outcome = failure(change, 'APPLY_CHANGE_FAILED', (error as Error).message);
          }
          const after = commandsSoFar(transport);
          if (before !== undefined && after !== undefined) commands = after - before;
        }
      }
      await record(seq, change, outcome, commands);
    }
    return outcomes;
  });
  return perTarget.flat().sort((a, b) => a.seq - b.seq);
}
