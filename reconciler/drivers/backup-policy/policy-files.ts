import { posix } from 'node:path';
import { cronFileNameOf } from '../../../inventory/model/derived-names.js';
import type { BackupPolicySpec } from '../../../inventory/model/specs.js';
import { shellQuote } from '../../transports/shell-quote.js';

export const DEFAULT_AGENT = { command: 'pytin', cronDir: '/etc/cron.d' } as const;
export type BackupAgent = { command: string; cronDir: string };

/** The files a policy installs on its host. Deterministic, and free of the commit id: the same
 * policy gives the same bytes, so an unchanged policy never shows as a change. */
export interface PolicyFiles {
  /** `/etc/cron.d/pytin-backup-NAME`: cron.d allows only [A-Za-z0-9_-] in file names. */
  cronPath: string;
  cronText: string;
  excludePath: string;
  excludeText: string;
  target: string;
}

/** The marker the first line of every schedule file pytin writes starts with; pytin deletes only
 * schedule files that carry it. */
export const CRON_MARKER = '# pytin backup policy';

/** The schedule file of a policy (the name is derived in the inventory model, where a rule keeps it
 * injective). */
export const cronFileName = cronFileNameOf;

/** The arguments of `pytin backup run` that carry the policy (also for `backup list`). */
export function seriesArguments(policy: BackupPolicySpec): string[] {
  return [...(policy.perUserHome ? ['--per-user', policy.perUserHome] : ['--source', policy.source ?? '']), '--target', policy.target, '--name', policy.name];
}

export function policyFiles(policy: BackupPolicySpec, agent: BackupAgent): PolicyFiles {
  const excludePath = posix.join(policy.target, `.pytin-${policy.name}.exclude`);
  const run = [
    agent.command,
    'backup',
    'run',
    ...seriesArguments(policy).map(shellQuote),
    '--iterations',
    String(policy.iterations),
    '--keep-sequences',
    String(policy.keepSequences),
    '--exclude-from',
    shellQuote(excludePath),
    '--compress',
    policy.compression,
  ].join(' ');
  const cronText = [
    `${CRON_MARKER} backup/${policy.name}: edit the inventory, not this file.`,
    'SHELL=/bin/sh',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    // cron.d lines carry the user; output goes to the series log the engine keeps.
    `${policy.schedule} root ${run} >/dev/null 2>&1`,
    '',
  ].join('\n');
  const excludeText = (policy.exclude ?? []).map((p) => `${p}\n`).join('');
  return { cronPath: posix.join(agent.cronDir, cronFileName(policy.name)), cronText, excludePath, excludeText, target: policy.target };
}
