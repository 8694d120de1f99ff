import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { applyPlan, type ChangeOutcome } from '../apply/apply-plan.js';
import { ZabbixMaintenanceWindows } from '../drivers/zabbix/maintenance-windows.js';
import { ZABBIX_DRIVER } from '../drivers/zabbix/plan-zabbix.js';
import { zabbixConnectionOf, zabbixSubject } from '../drivers/zabbix/zabbix-settings.js';
import type { Plan } from '../plan/plan.js';
import { changesDiffer, planHash } from '../plan/plan-identity.js';
import { canApply, type SafetyPolicy } from '../plan/safety.js';
import { planMessages } from '../render/plan-json.js';
import { desiredStateJson } from '../store/api/desired-state-json.js';
import { type ApplyLock, releaseApplyLock, tryTakeApplyLock } from '../store/apply/apply-lock.js';
import { type ChangeOutcomeRecord, finishApplyRun, recordChangeOutcome, recordChangeOutcomes, startApplyRun } from '../store/apply/apply-runs.js';
import { ZabbixConnector } from '../transports/zabbix/zabbix-connector.js';
import { describeLock } from './lock-status.js';
import type { Session } from './open-session.js';
import { type SavedPlan, staleness } from './plan-file.js';
import { planInSession } from './plan-session.js';

export interface ApplyRequest {
  /** A plan saved by `plan --out`; absent: plan now and apply that (`--auto-approve`). */
  saved?: SavedPlan;
  /** With no saved plan: observe first. */
  refresh: boolean;
  /** This run's flags: a saved plan is judged with them, whatever it was saved with. */
  safety: SafetyPolicy;
  /** Targets worked on at once. */
  parallelism: number;
  /** Wait this long for another apply's lock (0: refuse at once). */
  lockTimeoutSeconds: number;
  /** Who applies, for the lock and the run record (`user@host`), and this process. */
  holder: { name: string; host: string; pid: number };
  /** The plan about to be applied (the CLI prints it). */
  onPlan?(plan: Plan): void;
  /** Each change's outcome as it ends, after it was recorded. */
  onOutcome?(outcome: ChangeOutcome): void;
}

export type ApplyReport =
  /** Nothing was applied; the diagnostics say why. */
  | { applied: false; diagnostics: Diagnostic[] }
  | {
      applied: true;
      plan: Plan;
      outcomes: ChangeOutcome[];
      runId: number;
      ok: boolean;
      /** What went wrong beside the changes (a Zabbix maintenance window not opened or closed). */
      warnings: Diagnostic[];
    };

/** The Zabbix maintenance windows of this apply, when the session publishes to a Zabbix. */
function maintenanceWindows(session: Session, label: string): ZabbixMaintenanceWindows | undefined {
  const zabbix = zabbixConnectionOf(session.connections);
  if (!zabbix || !session.drivers.some((d) => d.name === ZABBIX_DRIVER)) return undefined;
  const transport = session.transportFor({ kind: 'service', name: zabbix.name });
  if ('severity' in transport || transport.kind !== 'service' || !(transport.endpoint.client instanceof ZabbixConnector)) return undefined;
  return new ZabbixMaintenanceWindows(transport.endpoint.client, label);
}

const refused = (diagnostics: Diagnostic[]): ApplyReport => ({ applied: false, diagnostics });

/** A change's outcome as the store keeps it. */
function outcomeRecord(o: ChangeOutcome): ChangeOutcomeRecord {
  const firstError = o.outcome.diagnostics.find((d) => d.severity === 'error');
  return {
    seq: o.seq,
    address: o.change.address,
    action: o.change.action,
    driver: o.change.driver,
    host: o.change.host ?? `service:${o.change.service}`,
    status: o.status,
    output: o.outcome.output,
    error: firstError ? `${firstError.code}: ${firstError.summary}` : null,
    diagnosticsJson: o.outcome.diagnostics.length ? JSON.stringify(o.outcome.diagnostics) : null,
    stateJson: o.outcome.state === undefined ? null : JSON.stringify(o.outcome.state),
    finishedAt: o.finishedAt,
  };
}

async function takeLock(session: Session, lock: ApplyLock, timeoutSeconds: number): Promise<ApplyLock | undefined> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const attempt = await tryTakeApplyLock(session.store, lock);
    if (attempt.taken) return undefined;
    if (Date.now() >= deadline) return attempt.heldBy;
    await new Promise((r) => setTimeout(r, Math.min(1000, deadline - Date.now())));
  }
}

/** The plan to apply. A saved plan is never trusted as written: its inputs must still be the
 * world's (commit, facts fingerprint), and the changes are derived again from them with this
 * run's flags; a file whose changes differ from what its inputs give (edited, or made by another
 * pytin) is refused. */
async function planToApply(session: Session, request: ApplyRequest): Promise<Plan | Diagnostic[]> {
  if (!request.saved) return (await planInSession(session, { refresh: request.refresh, safety: request.safety })).plan;
  const saved = request.saved.plan;
  const madeAt = Date.parse(saved.createdAt);
  if (!Number.isFinite(madeAt))
    return [{ severity: 'error', code: 'PLAN_FILE_UNREADABLE', summary: `the saved plan's creation time "${String(saved.createdAt)}" is not a time` }];
  const derived = (await planInSession(session, { refresh: false, safety: request.safety, now: madeAt })).plan;
  const stale = staleness(saved, { commit: session.state.revision.commit, factsFingerprint: derived.factsFingerprint });
  if (stale)
    return [{ severity: 'error', code: 'APPLY_STALE_PLAN', summary: `the saved plan is stale: ${stale}`, detail: 'Plan again and review the new plan.' }];
  const difference = changesDiffer(saved.changes, derived.changes);
  if (difference) {
    return [
      {
        severity: 'error',
        code: 'APPLY_PLAN_MISMATCH',
        summary: `the saved plan does not match its own inputs: ${difference}`,
        detail: 'The file was edited, or made by another version of pytin. Plan again and review the new plan.',
      },
    ];
  }
  return derived;
}

/** Applies a plan in the session: takes the store's apply lock, works out the plan to apply,
 * refuses it when it cannot be applied (errors, safety refusals under this run's flags), records
 * the run and every outcome as it ends, observes the touched hosts again (so the next plan shows
 * exactly what is left) and records the applied desired state. */
export async function applyInSession(session: Session, request: ApplyRequest): Promise<ApplyReport> {
  const lock: ApplyLock = {
    holder: request.holder.name,
    host: request.holder.host,
    pid: request.holder.pid,
    commit: session.state.revision.commit,
    since: Date.now(),
  };
  const heldBy = await takeLock(session, lock, request.lockTimeoutSeconds);
  if (heldBy) {
    return refused([
      {
        severity: 'error',
        code: 'APPLY_LOCKED',
        summary: `another apply holds the lock: ${describeLock(heldBy)}`,
        detail: 'Wait for it (--lock-timeout SECONDS), or if its process is gone: pytin lock break.',
      },
    ]);
  }
  try {
    const plan = await planToApply(session, request);
    if (Array.isArray(plan)) return refused(plan);
    if (!canApply(plan))
      return refused([{ severity: 'error', code: 'APPLY_REFUSED', summary: 'nothing was applied' }, ...plan.diagnostics.filter((d) => d.severity === 'error')]);
    request.onPlan?.(plan);
    const commit = session.state.revision.commit;
    const runId = await startApplyRun(session.store, {
      commit,
      planHash: planHash(plan),
      holder: lock.holder,
      startedAt: Date.now(),
      planMessagesJson: JSON.stringify(planMessages(plan)),
    });
    const maintenance = maintenanceWindows(session, `${(commit ?? 'worktree').slice(0, 12)} ${new Date().toISOString()}`);
    const outcomes = await applyPlan(plan, {
      ...(maintenance ? { watcher: maintenance } : {}),
      drivers: session.drivers,
      transportFor: (target) => session.transportFor(target),
      parallelism: request.parallelism,
      commit,
      onOutcome: async (o) => {
        await recordChangeOutcome(session.store, runId, outcomeRecord(o));
        request.onOutcome?.(o);
      },
      onOutcomes: async (batch) => {
        await recordChangeOutcomes(session.store, runId, batch.map(outcomeRecord));
        for (const o of batch) request.onOutcome?.(o);
      },
    });
    // Hosts by name, service endpoints (the Zabbix API) by their facts subject.
    const touched = new Set(plan.changes.map((c) => c.host ?? zabbixSubject(c.service)));
    await session.observe(touched);
    const ok = outcomes.every((o) => o.status === 'applied');
    await finishApplyRun(session.store, runId, { ok, finishedAt: Date.now(), commit, desiredJson: desiredStateJson(session.state) });
    return { applied: true, plan, outcomes, runId, ok, warnings: maintenance?.diagnostics ?? [] };
  } finally {
    await releaseApplyLock(session.store, { host: lock.host, pid: lock.pid });
  }
}
