import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { JsonValue } from '../../../inventory/core/json-value.js';
import type { BackupPolicySpec } from '../../../inventory/model/specs.js';
import type { Change } from '../../plan/change.js';
import type { Drift } from '../../plan/drift.js';
import type { DriverPlan } from '../../plan/planning-port.js';
import type { BackupPolicyFacts } from './backup-facts.js';
import { longestGapMs } from './cron-schedule.js';
import { installedFiles } from './installed-files.js';
import { type BackupAgent, cronFileName, scheduleFolder } from './policy-files.js';

export const BACKUP_POLICY_DRIVER = 'backup';

/** One host's policies as the planner sees them. */
export interface PolicyHostInput {
  host: string;
  agent: BackupAgent;
  policies: BackupPolicySpec[];
  /** Observed policies (null: backups were never observed on this host). */
  observed: BackupPolicyFacts[] | null;
  /** Schedules pytin installed on the host, by file name. */
  installed: Array<{ file: string; text: string }>;
  observedAt: number | null;
}

/** A run may start up to this late and take this long before it counts as missed. */
const GRACE_MS = 2 * 3600_000;
/** A lock held longer than this by a live process is stuck. */
const STUCK_LOCK_SECONDS = 24 * 3600;

type Series = { [key: string]: JsonValue };

function field<T extends JsonValue>(series: Series, key: string): T | null {
  return (series[key] ?? null) as T | null;
}

function installed(policy: BackupPolicySpec, agent: BackupAgent): JsonValue {
  const files = installedFiles(policy, agent);
  return {
    schedule: policy.schedule,
    target: policy.target,
    exclude: policy.exclude ?? [],
    iterations: policy.iterations,
    keepSequences: policy.keepSequences,
    compression: policy.compression,
    cronPath: files.cronPath,
    cronText: files.cronText,
    excludeText: files.excludeText,
    // Several files only with the systemd scheduler (cron plans keep their shape).
    ...(files.scheduleFiles.length > 1 ? { scheduleFiles: files.scheduleFiles } : {}),
  };
}

function observedState(facts: BackupPolicyFacts, desired: JsonValue): JsonValue {
  const d = desired as { [k: string]: JsonValue };
  return { ...d, cronText: facts.cron, excludeText: facts.exclude };
}

/** What people want to know of a policy in every plan: when the next full and the next prune come. */
function seriesNotes(series: readonly Series[], policy: BackupPolicySpec): string[] {
  if (series.length === 0) return ['no archive yet; the first run makes a full archive'];
  const notes: string[] = [];
  for (const s of series.slice(0, 3)) {
    const who = field<string>(s, 'user') ? `${field<string>(s, 'user')}: ` : '';
    const next = field<{ index: number; kind: string | null; prunes: number[] }>(s, 'next');
    if (!field<boolean>(s, 'exists') || !next) {
      notes.push(`${who}no archive yet; the first run makes a full archive`);
      continue;
    }
    const current = field<number>(s, 'currentIndex') ?? 0;
    const nextFull = Math.ceil(current / policy.iterations) * policy.iterations + 1;
    notes.push(
      `${who}next run makes index ${next.index} (${next.kind ?? '?'}); next full at index ${nextFull}${next.prunes.length ? `; it prunes ${next.prunes.join(', ')}` : ''}`,
    );
  }
  if (series.length > 3) notes.push(`... and ${series.length - 3} more series`);
  return notes;
}

function seriesDrift(address: string, host: string, s: Series, policy: BackupPolicySpec, gapMs: number | undefined, now: number, seenAt: string): Drift[] {
  const drift: Drift[] = [];
  const where = `${host} ${field<string>(s, 'target') ?? policy.target}`;
  const label = field<string>(s, 'user') ? `series of ${field<string>(s, 'user')}` : 'series';
  const evidence = { source: 'ssh', where, seenAt };
  const lastSuccess = field<{ finishedAt: string }>(s, 'lastSuccess');
  const lastRun = field<{ finishedAt: string; result: string; errors: string[] }>(s, 'lastRun');
  if (gapMs !== undefined && lastSuccess) {
    const age = now - Date.parse(lastSuccess.finishedAt);
    if (age > gapMs + GRACE_MS) {
      drift.push({
        address,
        kind: 'backup-run-overdue',
        evidence,
        message: `${label}: last successful run ${Math.round(age / 3600_000)} h ago (${lastSuccess.finishedAt}); the schedule "${policy.schedule}" runs at least every ${Math.round(gapMs / 3600_000)} h`,
      });
    }
  } else if (!lastSuccess && lastRun?.result === 'failed') {
    drift.push({
      address,
      kind: 'backup-run-overdue',
      evidence,
      message: `${label}: never succeeded; the last run failed: ${lastRun.errors[0] ?? 'no detail'}`,
    });
  }
  const lock = field<{ pid: number; ageSeconds: number | null; liveness: string }>(s, 'lock');
  if (lock && (lock.liveness === 'dead' || (lock.ageSeconds ?? 0) > STUCK_LOCK_SECONDS)) {
    drift.push({
      address,
      kind: 'backup-lock-stuck',
      evidence,
      message: `${label}: the lock of pid ${lock.pid} is ${lock.liveness === 'dead' ? 'held by a process that is gone (the next run takes it over)' : `held for ${Math.round((lock.ageSeconds ?? 0) / 3600)} h`}`,
    });
  }
  const next = field<{ kind: string | null }>(s, 'next');
  if (field<boolean>(s, 'snapshotPresent') === false && next?.kind === 'incremental') {
    drift.push({
      address,
      kind: 'backup-snapshot-missing',
      evidence,
      message: `${label}: the snapshot of index ${field<number>(s, 'currentIndex')} is missing in mid-sequence; the next "incremental" would silently hold everything`,
    });
  }
  const missing = (field<Array<{ index: number; present: boolean }>>(s, 'archives') ?? []).filter((a) => !a.present).map((a) => a.index);
  if (missing.length)
    drift.push({
      address,
      kind: 'backup-archive-problem',
      evidence,
      message: `${label}: archive(s) ${missing.join(', ')} are in the index but missing on disk`,
    });
  // The newest archive read back (absent from the reports of older agents: nothing to say).
  const newest = field<{ index: number; file: string; result: string; sha256: string | null; sizeBytes: number | null }>(s, 'newestArchive');
  const recorded = (field<Array<{ index: number; sha256: string; sizeBytes: number }>>(s, 'archives') ?? []).find((a) => a.index === newest?.index);
  if (newest && recorded && (newest.result === 'checksum' || newest.result === 'size' || newest.result === 'unsafe')) {
    const found =
      newest.result === 'unsafe'
        ? 'is a link or not a regular file'
        : newest.result === 'size'
          ? `is ${newest.sizeBytes} bytes, recorded ${recorded.sizeBytes}`
          : `has sha256 ${newest.sha256}, recorded ${recorded.sha256}`;
    drift.push({
      address,
      kind: 'backup-archive-problem',
      evidence,
      message: `${label}: the newest archive ${newest.index} (${newest.file}) ${found}: it would not restore as made`,
    });
  }
  return drift;
}

/** Plans the schedules of one host's policies against what is installed there. Pure. */
export function planPolicies(input: PolicyHostInput, now: number): DriverPlan {
  const changes: Change[] = [];
  const drift: Drift[] = [];
  const diagnostics: Diagnostic[] = [];
  const seenAt = new Date(input.observedAt ?? now).toISOString();
  for (const policy of input.policies) {
    const address = `backup/${policy.name}`;
    const after = installed(policy, input.agent);
    const facts = input.observed?.find((p) => p.name === policy.name);
    const gap = longestGapMs(policy.schedule, now);
    if (gap === undefined)
      diagnostics.push({
        severity: 'warning',
        code: 'PLAN_BACKUP_BAD_SCHEDULE',
        summary: `schedule "${policy.schedule}" of ${address} is not understood; missed runs cannot be reported`,
        address,
      });
    const base = { address, driver: BACKUP_POLICY_DRIVER, host: input.host, after };
    if (input.observed === null) {
      // Like VMs and limits: nothing is planned against a host nobody has looked at.
      diagnostics.push({
        severity: 'warning',
        code: 'PLAN_BACKUP_NOT_OBSERVED',
        summary: `backups on ${input.host} were not observed; ${address} is not planned (pytin observe, or plan --refresh)`,
        address,
      });
      continue;
    }
    if (!facts || facts.cron === null) {
      changes.push({ ...base, action: 'create', before: null, reason: `install the schedule ${installedFiles(policy, input.agent).cronPath}` });
      continue;
    }
    const before = observedState(facts, after);
    const afterFiles = after as { cronText: string; excludeText: string };
    const fields = [facts.cron !== afterFiles.cronText ? 'cronText' : null, facts.exclude !== afterFiles.excludeText ? 'excludeText' : null].filter(
      (f): f is string => f !== null,
    );
    const notes = seriesNotes(facts.series ?? [], policy);
    changes.push({
      ...base,
      action: fields.length ? 'update' : 'no-op',
      before,
      ...(fields.length ? { fields, reason: 'the installed schedule or exclude file differs from git' } : {}),
      notes,
    });
    for (const s of facts.series ?? []) drift.push(...seriesDrift(address, input.host, s, policy, gap, now, seenAt));
  }
  // Schedules pytin installed for policies git no longer has: removed (the archives stay).
  const folder = scheduleFolder(input.agent);
  const wanted = new Set(input.policies.map((p) => `${cronFileName(p.name)}${folder.suffix}`));
  for (const schedule of input.installed) {
    if (wanted.has(schedule.file)) continue;
    const name = /^# pytin backup policy backup\/(\S+):/.exec(schedule.text)?.[1] ?? schedule.file;
    const target = /--target (\S+)/.exec(schedule.text)?.[1] ?? '?';
    changes.push({
      address: `backup/${name}`,
      action: 'delete',
      driver: BACKUP_POLICY_DRIVER,
      host: input.host,
      before: { cronPath: `${folder.dir}/${schedule.file}`, cronText: schedule.text, target },
      after: null,
      reason: `the policy left git: its schedule is removed; the archives in ${target} are kept`,
    });
  }
  return { changes, drift, diagnostics };
}
