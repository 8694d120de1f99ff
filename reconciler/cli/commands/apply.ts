import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { hasErrors, type Diagnostic } from '../../../inventory/core/diagnostic.js';
import { applyPlan, type ChangeOutcome } from '../../apply/apply-plan.js';
import { DRIVERS } from '../../drivers/registry.js';
import { loadObservedFacts } from '../../plan/observed-facts.js';
import type { Plan } from '../../plan/plan.js';
import { safetyDiagnostics } from '../../plan/safety.js';
import { planHash, readSavedPlan, staleness } from '../../plan/saved-plan.js';
import { planMessages } from '../../render/plan-json.js';
import { renderDiagnosticsHuman, renderDiagnosticsJsonLines } from '../../render/diagnostics.js';
import { tryTakeApplyLock, releaseApplyLock, type ApplyLock } from '../../store/apply-lock.js';
import { finishApplyRun, recordChangeOutcome, startApplyRun } from '../../store/apply-runs.js';
import { booleanOption, integerOption, stringOption, UsageError, type Command, type CommandIO } from '../command.js';
import { EXIT_ERROR, EXIT_OK, type ExitCode } from '../exit-codes.js';
import { planPolicyFrom } from '../plan-options.js';
import { openReconcileSession, type ReconcileSession } from '../reconcile-session.js';
import { PLAN_RUN_OPTIONS, planInSession, renderPlan } from './plan.js';
import { describeLock } from './lock.js';

export const DEFAULT_APPLY_PARALLELISM = 10;

function report(io: CommandIO, json: boolean, diagnostics: Diagnostic[]): void {
  io.stderr.write(json ? renderDiagnosticsJsonLines(diagnostics) : renderDiagnosticsHuman(diagnostics));
}

/** The desired state of the applied commit, as the API serves it (specs hold secret references
 * only, never secret values). */
function desiredJson(session: ReconcileSession): string {
  return JSON.stringify({
    revision: session.state.revision,
    resources: [...session.state.resources.values()].map((r) => ({ address: r.address, kind: r.kind, name: r.name, spec: r.spec })),
    ips: [...session.state.ipHoldings.values()].map((h) => ({ ip: h.ip, holder: h.holder, pool: h.pool ?? null })),
  });
}

async function takeLock(session: ReconcileSession, lock: ApplyLock, timeoutSeconds: number): Promise<ApplyLock | undefined> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const attempt = await tryTakeApplyLock(session.store, lock);
    if (attempt.taken) return undefined;
    if (Date.now() >= deadline) return attempt.heldBy;
    await new Promise((r) => setTimeout(r, Math.min(1000, deadline - Date.now())));
  }
}

function outcomeLine(o: ChangeOutcome): string {
  const where = o.change.host ? ` on ${o.change.host}` : '';
  const status = o.status === 'applied' ? 'applied' : o.status === 'failed' ? 'FAILED ' : 'skipped';
  const error = o.outcome.error ? `: ${o.outcome.error.split('\n')[0]}` : '';
  return `${status} ${o.change.action.padEnd(7)} ${o.change.address}${where}${error}\n`;
}

export const applyCommand: Command = {
  name: 'apply',
  summary: 'apply a saved plan (refused if the commit or the facts changed), or plan and apply with --auto-approve',
  synopsis: '[FILE | --auto-approve] [--parallelism N] [--lock-timeout SECONDS] [--allow-destroy ADDRESS] [--allow-mass-destroy] [--json] [--repo DIR] [--path PATH] [--ref REV]',
  options: {
    ...PLAN_RUN_OPTIONS,
    'auto-approve': { type: 'boolean', description: 'plan and apply in one go (CI on the main branch)' },
    'lock-timeout': { type: 'string', valueName: 'SECONDS', description: 'wait this long for another apply to finish (default 0: refuse at once)' },
    json: { type: 'boolean', description: 'JSON lines: the plan applied, one line per change outcome, a summary' },
  },
  positionals: { min: 0, max: 1, names: 'FILE' },
  async run(args, io): Promise<ExitCode> {
    const file = args.positionals[0];
    const autoApprove = booleanOption(args, 'auto-approve');
    if (file === undefined && !autoApprove) throw new UsageError('give a saved plan (pytin plan --out FILE) or --auto-approve', applyCommand);
    if (file !== undefined && autoApprove) throw new UsageError('a saved plan and --auto-approve exclude each other', applyCommand);
    const json = booleanOption(args, 'json');
    const parallelism = integerOption(args, 'parallelism', 1) ?? DEFAULT_APPLY_PARALLELISM;
    const lockTimeout = integerOption(args, 'lock-timeout', 0) ?? 0;
    const saved = file === undefined ? undefined : await readSavedPlan(resolve(io.cwd, file));
    if (saved && 'severity' in saved) {
      report(io, json, [saved]);
      return EXIT_ERROR;
    }
    const opened = await openReconcileSession(args, io, parallelism);
    if ('failed' in opened) {
      report(io, json, opened.failed);
      return EXIT_ERROR;
    }
    const { session } = opened;
    const owner = { host: hostname(), pid: process.pid };
    let locked = false;
    try {
      const lock: ApplyLock = { holder: `${io.env.USER ?? 'pytin'}@${owner.host}`, ...owner, commit: session.state.revision.commit, since: Date.now() };
      const heldBy = await takeLock(session, lock, lockTimeout);
      if (heldBy) {
        report(io, json, [{ severity: 'error', code: 'APPLY_LOCKED', summary: `another apply holds the lock: ${describeLock(heldBy)}`, detail: 'Wait for it (--lock-timeout SECONDS), or if its process is gone: pytin lock break.' }]);
        return EXIT_ERROR;
      }
      locked = true;
      let plan: Plan;
      if (saved) {
        plan = saved.plan;
        const facts = await loadObservedFacts(session.store, session.state);
        const stale = staleness(plan, { commit: session.state.revision.commit, factsFingerprint: facts.fingerprint });
        if (stale) {
          report(io, json, [{ severity: 'error', code: 'APPLY_STALE_PLAN', summary: `the saved plan is stale: ${stale}`, detail: 'Plan again and review the new plan.' }]);
          return EXIT_ERROR;
        }
      } else {
        plan = await planInSession(session, args, io, booleanOption(args, 'refresh'));
      }
      // Safety is checked with this run's flags, whatever the plan was saved with.
      const refusals = safetyDiagnostics(plan.changes, session, planPolicyFrom(args, session.state, Date.now()));
      const blocking = [...refusals, ...plan.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'PLAN_PROTECTED_DESTROY' && d.code !== 'PLAN_MASS_DESTROY')];
      if (hasErrors(blocking)) {
        report(io, json, [{ severity: 'error', code: 'APPLY_REFUSED', summary: 'nothing was applied' }, ...blocking]);
        return EXIT_ERROR;
      }
      if (json) io.stdout.write(planMessages(plan).map((m) => JSON.stringify(m) + '\n').join(''));
      else io.stdout.write(renderPlan(plan, 'human', io));
      const runId = await startApplyRun(session.store, { commit: session.state.revision.commit, planHash: planHash(plan), holder: lock.holder, startedAt: Date.now() });
      const outcomes = await applyPlan(plan, {
        drivers: DRIVERS,
        runnerFor: (host) => session.runnerFor(host),
        parallelism,
        commit: session.state.revision.commit,
        onOutcome: async (o) => {
          await recordChangeOutcome(session.store, runId, {
            seq: o.seq,
            address: o.change.address,
            action: o.change.action,
            driver: o.change.driver,
            host: o.change.host ?? null,
            status: o.status,
            output: o.outcome.output,
            error: o.outcome.error ?? null,
            stateJson: o.outcome.state === undefined ? null : JSON.stringify(o.outcome.state),
            finishedAt: o.finishedAt,
          });
          io.stdout.write(json ? JSON.stringify({ type: 'change_outcome', address: o.change.address, action: o.change.action, host: o.change.host ?? null, status: o.status, error: o.outcome.error ?? null }) + '\n' : outcomeLine(o));
        },
      });
      // The store must describe the hosts as they are now, so the next plan shows exactly what is left.
      const touched = new Set(plan.changes.map((c) => c.host).filter((h): h is string => h !== undefined));
      await session.observe(touched);
      const failed = outcomes.filter((o) => o.status !== 'applied');
      await finishApplyRun(session.store, runId, { ok: failed.length === 0, finishedAt: Date.now(), commit: session.state.revision.commit, desiredJson: desiredJson(session) });
      const applied = outcomes.length - failed.length;
      if (json) io.stdout.write(JSON.stringify({ type: 'apply_summary', applied, failed: outcomes.filter((o) => o.status === 'failed').length, skipped: outcomes.filter((o) => o.status === 'skipped').length, run: runId }) + '\n');
      else io.stdout.write(`Apply ${failed.length ? 'finished with failures' : 'complete'}: ${applied} applied, ${outcomes.filter((o) => o.status === 'failed').length} failed, ${outcomes.filter((o) => o.status === 'skipped').length} skipped.${failed.length ? ' Run pytin plan to see what is left.' : ''}\n`);
      return failed.length ? EXIT_ERROR : EXIT_OK;
    } finally {
      if (locked) await releaseApplyLock(session.store, owner);
      await session.close();
    }
  },
};
