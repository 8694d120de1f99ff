import { randomBytes } from 'node:crypto';

import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { InternalError } from '../../../inventory/core/errors.js';
import type { JsonObject } from '../../../inventory/core/json-value.js';
import type { BackupPolicySpec } from '../../../inventory/model/specs.js';
import { isHostPath } from '../../../schemas/formats/paths.js';
import { runFactCommand } from '../../observe/hosts/host-command.js';
import { hostDiagnostic } from '../../observe/hosts/host-diagnostics.js';
import type { HostProbe, HostProbeContext, ProbeResult } from '../../observe/hosts/host-probe.js';
import { shellQuote } from '../../transports/shell-quote.js';
import type { BackupPolicyFacts, BackupsFacts } from './backup-facts.js';
import { installedFiles } from './installed-files.js';
import { type BackupAgent, checkedAgent, checkedName, checkedTarget, CRON_MARKER } from './policy-files.js';

/** The key the backup policy driver's facts are stored under (one document per host). */
export const BACKUP_FACTS_KEY = 'backups';

/** What to read on the host for one backup policy (paths computed from the inventory). */
export interface BackupPolicyTarget {
  name: string;
  cronPath: string;
  /** The schedule's files, read back concatenated (the cron.d file, or the service and timer). */
  schedulePaths: string[];
  excludePath: string;
  /** `pytin backup list ... --json` as the host runs it. */
  listCommand: string;
}

/** What to read on one host: its policies, and the folder pytin installs schedules in (set on
 * hosts that run policies or ran them: schedules git no longer has are found there). */
export interface BackupsProbeTarget {
  policies: readonly BackupPolicyTarget[];
  cronDir: string | undefined;
  /** How pytin's schedule files end in that folder: '' (cron.d) or '.timer' (systemd). */
  scheduleSuffix?: '' | '.timer';
}

/** What host observation reads for a policy. */
export function backupPolicyTarget(policy: BackupPolicySpec, agent: BackupAgent): BackupPolicyTarget {
  const files = installedFiles(policy, agent);
  const list = [
    shellQuote(checkedAgent(agent).command),
    'backup',
    'list',
    '--target',
    shellQuote(checkedTarget(policy)),
    '--name',
    shellQuote(checkedName(policy)),
    ...(policy.perUserHome ? ['--per-user'] : []),
    // Observation reads each series' newest archive back: a changed byte is drift in the plan.
    '--verify-newest',
    '--json',
  ];
  return {
    name: policy.name,
    cronPath: files.cronPath,
    schedulePaths: files.scheduleFiles.map((f) => f.path),
    excludePath: files.excludePath,
    listCommand: list.join(' '),
  };
}

export function backupsProbe(target: BackupsProbeTarget): HostProbe<BackupsFacts> {
  return { key: BACKUP_FACTS_KEY, run: (context) => observeBackups(context, target) };
}

function script(policies: readonly BackupPolicyTarget[], cronDir: string | undefined, suffix: '' | '.timer', marker: string): string {
  const lines: string[] = [];
  if (cronDir !== undefined) {
    if (!isHostPath(cronDir))
      throw new InternalError(`cron folder ${JSON.stringify(cronDir.slice(0, 120))} is not safe in a command (the schema should have refused it)`);
    // Every schedule pytin installed in the folder, also of policies git no longer has.
    lines.push(
      `for f in ${shellQuote(cronDir)}/pytin-backup-*${suffix}; do [ -f "$f" ] || continue; head -n 1 "$f" | grep -q '^${CRON_MARKER}' || continue; echo "${marker} installed $(basename "$f")"; cat "$f"${suffix === '.timer' ? ' "${f%.timer}.service" 2>/dev/null' : ''}; echo "${marker} rc 0"; done`,
    );
  }
  for (const p of policies) {
    const name = shellQuote(p.name);
    lines.push(`echo '${marker} cron '${name}`, `cat ${p.schedulePaths.map(shellQuote).join(' ')} 2>/dev/null; echo "${marker} rc $?"`);
    lines.push(`echo '${marker} exclude '${name}`, `cat ${shellQuote(p.excludePath)} 2>/dev/null; echo "${marker} rc $?"`);
    lines.push(`echo '${marker} list '${name}`, `${p.listCommand} 2>/dev/null; echo "${marker} rc $?"`);
  }
  return lines.join('\n');
}

/** Reads each policy's installed schedule, exclude file and `backup list --json` report in one
 * remote command. A policy whose report cannot be read gets a diagnostic and `series: null`. */
export async function observeBackups(context: HostProbeContext, wanted: BackupsProbeTarget): Promise<ProbeResult<BackupsFacts>> {
  const target = context.target;
  const policies = wanted.policies;
  if (policies.length === 0 && wanted.cronDir === undefined) return { facts: { policies: [], installed: [] }, diagnostics: [] };
  const marker = `pytin-backups-${randomBytes(8).toString('hex')}`;
  const outcome = await runFactCommand(context, 'backups', 'cat', script(policies, wanted.cronDir, wanted.scheduleSuffix ?? '', marker));
  if (!outcome.ok) return { facts: null, diagnostics: [outcome.diagnostic] };
  const sections = new Map<string, { text: string; rc: number }>();
  let current: { key: string; lines: string[] } | undefined;
  for (const line of outcome.result.stdout.split('\n')) {
    if (line.startsWith(`${marker} rc `) && current) {
      sections.set(current.key, { text: current.lines.join('\n'), rc: Number(line.slice(marker.length + 4)) });
      current = undefined;
    } else if (line.startsWith(`${marker} `)) {
      current = { key: line.slice(marker.length + 1), lines: [] };
    } else current?.lines.push(line);
  }
  const diagnostics: Diagnostic[] = [];
  const facts: BackupPolicyFacts[] = policies.map((p) => {
    const cron = sections.get(`cron ${p.name}`);
    const exclude = sections.get(`exclude ${p.name}`);
    const list = sections.get(`list ${p.name}`);
    let series: BackupPolicyFacts['series'] = null;
    try {
      const parsed = JSON.parse(list?.text ?? '') as { series?: unknown };
      if (Array.isArray(parsed.series)) series = parsed.series as JsonObject[];
    } catch {
      diagnostics.push(
        hostDiagnostic(
          target,
          'OBS_HOST_OUTPUT_UNPARSABLE',
          `backups: "${p.listCommand.split(' ')[0]} backup list --json" for policy ${p.name} printed no report (exit ${list?.rc ?? '?'})`,
        ),
      );
    }
    return {
      name: p.name,
      cron: cron && cron.rc === 0 ? `${cron.text}\n` : null,
      exclude: exclude && exclude.rc === 0 ? (exclude.text === '' ? '' : `${exclude.text}\n`) : null,
      series,
    };
  });
  const installed = [...sections]
    .filter(([key]) => key.startsWith('installed '))
    .map(([key, value]) => ({ file: key.slice('installed '.length), text: `${value.text}\n` }));
  return { facts: { policies: facts, installed }, diagnostics };
}
