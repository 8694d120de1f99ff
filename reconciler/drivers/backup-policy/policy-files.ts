import { posix } from 'node:path';

import { InternalError } from '../../../inventory/core/errors.js';
import { cronFileNameOf } from '../../../inventory/model/derived-names.js';
import type { BackupPolicySpec } from '../../../inventory/model/specs.js';
import { isCronSchedule } from '../../../schemas/formats/cron.js';
import { isResourceName } from '../../../schemas/formats/names.js';
import { isBackupTarget, isHostPath, isProgram } from '../../../schemas/formats/paths.js';
import { shellQuote } from '../../transports/shell-quote.js';

export const DEFAULT_AGENT = { command: 'pytin', cronDir: '/etc/cron.d' } as const;
/** How pytin's engine runs on a host (trusted connection settings). `scheduler` absent: cron. */
export type BackupAgent = { command: string; cronDir: string; scheduler?: 'cron' | 'systemd'; unitDir?: string };
export const DEFAULT_UNIT_DIR = '/etc/systemd/system';

/** The files a policy installs on its host. Deterministic, and free of the commit id: the same
 * policy gives the same bytes, so an unchanged policy never shows as a change. */
export interface PolicyFiles {
  /** `/etc/cron.d/pytin-backup-NAME`: cron.d allows only [A-Za-z0-9_-] in file names. With the
   * systemd scheduler: the timer, the file that names the policy's schedule. */
  cronPath: string;
  /** The schedule files' texts, in `scheduleFiles` order, joined: what observation reads back. */
  cronText: string;
  /** The files the schedule is made of: the cron.d file, or the service and the timer. */
  scheduleFiles: Array<{ path: string; text: string }>;
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

/** Line breaks of any reader (cron, sh, tar's exclude file, Python's splitlines) and NUL. */
const LINE_BREAK = /[\r\n\v\f\u001c-\u001e\u0085\u2028\u2029\0]/;

/** One field of a cron.d line. cron ends a line at a newline and turns `%` in the command into a
 * newline (the rest becomes the command's input): a value from the inventory that could do either
 * would run as another command, as root. The schemas keep both out (no line break, no `%` and no
 * `\` in any value of the line); this is the check at the point of use, and `%` is escaped as cron
 * wants. cron's escape has a hole: a backslash before `\%` takes the escape's backslash for
 * itself (`\\%` still ends the command), so a `%` after an odd run of backslashes is refused. */
export function cronField(text: string): string {
  if (LINE_BREAK.test(text)) throw new InternalError(`a cron line field holds a line break or NUL: ${JSON.stringify(text.slice(0, 80))}`);
  if (/(?:^|[^\\])(?:\\\\)*\\%/.test(text))
    throw new InternalError(`a cron line field holds a backslash before %, which cron cannot escape: ${JSON.stringify(text.slice(0, 80))}`);
  return text.replace(/%/g, '\\%');
}

/** The schedule of a cron line: the strict `pytin-cron` format the schema checks, checked again
 * where it is written (a schedule is the start of a root cron line). */
function cronSchedule(schedule: string): string {
  if (!isCronSchedule(schedule))
    throw new InternalError(`a schedule that is not the pytin-cron format reached a cron line: ${JSON.stringify(schedule.slice(0, 80))}`);
  return schedule;
}

/** An exclude pattern, one per line of the exclude file: a line break would add patterns. */
function excludeLine(pattern: string): string {
  if (LINE_BREAK.test(pattern) || /[\u0000-\u001f\u007f-\u009f]/.test(pattern))
    throw new InternalError(`an exclude pattern holds a line break or control character: ${JSON.stringify(pattern.slice(0, 80))}`);
  return `${pattern}\n`;
}

function check(ok: boolean, what: string, value: string): string {
  if (!ok) throw new InternalError(`${what} ${JSON.stringify(value.slice(0, 120))} is not safe in a command or cron line (the schema should have refused it)`);
  return value;
}

/** The backup agent as it goes into cron lines and shell commands: one program word, and an
 * absolute normalised folder (the schemas' forms, checked again here). */
export function checkedAgent(agent: BackupAgent): BackupAgent {
  return {
    command: check(isProgram(agent.command), 'backup agent command', agent.command),
    cronDir: check(isHostPath(agent.cronDir), 'cron folder', agent.cronDir),
  };
}

/** The arguments of `pytin backup run` that carry the policy (also for `backup list`): paths in
 * the host-path form (no blank, quote, `%`, `\` or line break), the name a resource name. */
export function seriesArguments(policy: BackupPolicySpec): string[] {
  const source: [string, string] = policy.perUserHome
    ? ['--per-user', check(isHostPath(policy.perUserHome), 'perUserHome', policy.perUserHome)]
    : ['--source', check(isHostPath(policy.source ?? ''), 'source', policy.source ?? '')];
  return [...source, '--target', checkedTarget(policy), '--name', checkedName(policy)];
}

export function checkedTarget(policy: BackupPolicySpec): string {
  return check(isBackupTarget(policy.target), 'target', policy.target);
}

export function checkedName(policy: BackupPolicySpec): string {
  return check(isResourceName(policy.name), 'policy name', policy.name);
}

function excludePathOf(policy: BackupPolicySpec): string {
  return posix.join(checkedTarget(policy), `.pytin-${checkedName(policy)}.exclude`);
}

/** The arguments after `backup run` that a policy's schedule passes, unquoted: every one in the
 * checked forms above, or a number or compression name the schema enumerates. */
export function runArguments(policy: BackupPolicySpec): string[] {
  return [
    ...seriesArguments(policy),
    '--iterations',
    String(policy.iterations),
    '--keep-sequences',
    String(policy.keepSequences),
    '--exclude-from',
    excludePathOf(policy),
    '--compress',
    policy.compression,
  ];
}

/** The files of a policy scheduled by cron (installedFiles picks the host's scheduler). */
export function policyFiles(policy: BackupPolicySpec, configuredAgent: BackupAgent): PolicyFiles {
  const agent = checkedAgent(configuredAgent);
  const excludePath = excludePathOf(policy);
  const run = [shellQuote(agent.command), 'backup', 'run', ...runArguments(policy).map(shellQuote)].join(' ');
  const cronText = [
    markerLineOf(policy.name),
    'SHELL=/bin/sh',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    // cron.d lines carry the user; output goes to the series log the engine keeps.
    `${cronSchedule(policy.schedule)} root ${cronField(run)} >/dev/null 2>&1`,
    '',
  ].join('\n');
  const excludeText = (policy.exclude ?? []).map(excludeLine).join('');
  const cronPath = posix.join(agent.cronDir, cronFileName(policy.name));
  return { cronPath, cronText, scheduleFiles: [{ path: cronPath, text: cronText }], excludePath, excludeText, target: policy.target };
}

/** The folder pytin installs a host's schedules in, and how their files end (for finding those
 * of policies git no longer has). */
export function scheduleFolder(agent: BackupAgent): { dir: string; suffix: string } {
  return agent.scheduler === 'systemd' ? { dir: agent.unitDir ?? DEFAULT_UNIT_DIR, suffix: '.timer' } : { dir: agent.cronDir, suffix: '' };
}
