import { posix } from 'node:path';
import { InternalError } from '../../../inventory/core/errors.js';
import { isCronSchedule } from '../../../schemas/formats/cron.js';
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

/** The first line of a policy's schedule file: which policy the file is (pytin replaces and
 * removes only a file that carries its own policy's line). */
export function markerLineOf(policy: string): string {
  return `${CRON_MARKER} backup/${policy}: edit the inventory, not this file.`;
}

/** The schedule file of a policy (the name is derived in the inventory model, where a rule keeps it
 * injective). */
export const cronFileName = cronFileNameOf;

/** One field of a cron.d line. cron ends a line at a newline and turns `%` in the command into a
 * newline (the rest becomes the command's input): a value from the inventory that could do either
 * would run as another command, as root. The schemas keep both out; this is the check at the
 * point of use, and `%` is escaped as cron wants. */
export function cronField(text: string): string {
  if (/[\r\n\v\f\u0085\u2028\u2029\0]/.test(text)) throw new InternalError(`a cron line field holds a line break or NUL: ${JSON.stringify(text.slice(0, 80))}`);
  return text.replace(/%/g, '\\%');
}

/** The schedule of a cron line: the strict `pytin-cron` format the schema checks, checked again
 * where it is written (a schedule is the start of a root cron line). */
function cronSchedule(schedule: string): string {
  if (!isCronSchedule(schedule)) throw new InternalError(`a schedule that is not the pytin-cron format reached a cron line: ${JSON.stringify(schedule.slice(0, 80))}`);
  return schedule;
}

/** An exclude pattern, one per line of the exclude file: a line break would add patterns. */
function excludeLine(pattern: string): string {
  if (/[\r\n\0]/.test(pattern)) throw new InternalError(`an exclude pattern holds a line break or NUL: ${JSON.stringify(pattern.slice(0, 80))}`);
  return `${pattern}\n`;
}

/** The arguments of `pytin backup run` that carry the policy (also for `backup list`). */
export function seriesArguments(policy: BackupPolicySpec): string[] {
  return [...(policy.perUserHome ? ['--per-user', policy.perUserHome] : ['--source', policy.source ?? '']), '--target', policy.target, '--name', policy.name];
}

export function policyFiles(policy: BackupPolicySpec, agent: BackupAgent): PolicyFiles {
  const excludePath = posix.join(policy.target, `.pytin-${policy.name}.exclude`);
  const run = [
    shellQuote(agent.command),
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
    markerLineOf(policy.name),
    'SHELL=/bin/sh',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    // cron.d lines carry the user; output goes to the series log the engine keeps.
    `${cronSchedule(policy.schedule)} root ${cronField(run)} >/dev/null 2>&1`,
    '',
  ].join('\n');
  const excludeText = (policy.exclude ?? []).map(excludeLine).join('');
  return { cronPath: posix.join(agent.cronDir, cronFileName(policy.name)), cronText, excludePath, excludeText, target: policy.target };
}
