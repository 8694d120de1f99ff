import { posix } from 'node:path';

import type { JsonValue } from '../../../inventory/core/json-value.js';
import { isBackupTarget, isHostPath } from '../../../schemas/formats/paths.js';
import type { Change } from '../../plan/change.js';
import { shellQuote } from '../../transports/shell-quote.js';
import { type ApplyContext, type ApplyOutcome, failedOutcome, hostRunner } from '../driver.js';
import type { BackupPolicyCode } from './backup-policy-codes.js';
import { markerLineOf } from './policy-files.js';

interface Installed {
  target: string;
  cronPath: string;
  cronText: string;
  excludeText: string;
  /** With the systemd scheduler: the service and the timer (`cronPath` is the timer). */
  scheduleFiles?: Array<{ path: string; text: string }>;
}

const TIMER_SUFFIX = '.timer';

/** With the systemd scheduler, after the units changed: load them and start the timer, where
 * systemd runs (sd_booted's test); elsewhere the units are only installed, and the output says so. */
function activateTimerCommand(timerPath: string, enable: boolean): string {
  const unit = shellQuote(posix.basename(timerPath));
  const action = enable ? `systemctl daemon-reload && systemctl enable --now ${unit}` : `systemctl disable --now ${unit}; systemctl daemon-reload`;
  return `if [ -d /run/systemd/system ]; then ${action}; else echo 'systemd is not running on this host: units ${enable ? 'installed, not started' : 'removed'}'; fi`;
}

/** Exit status the scripts below use for "not pytin's: refused", told apart from a failure. */
const NOT_OWNED = 3;

/** Writes a file through a fresh temporary name in the same folder (mktemp: never a name someone
 * could have planted a link at) and a rename, which replaces the entry itself and never follows a
 * link at `path`: cron never reads half a schedule, and root never writes through a planted link. */
function writeFileCommand(path: string, mode: string): string {
  const dir = shellQuote(posix.dirname(path));
  return `mkdir -p -- ${dir} && tmp=$(mktemp ${shellQuote(`${posix.dirname(path)}/.pytin-XXXXXXXX`)}) && { cat > "$tmp" && chmod ${mode} "$tmp" && mv -f -- "$tmp" ${shellQuote(path)}; } || { rm -f -- "$tmp"; exit 1; }`;
}

/** The target folder: created 0700 when missing; an existing folder is used as it is (pytin never
 * chmods what it did not create); a symbolic link or a non-folder is refused. */
function targetCommand(target: string): string {
  const t = shellQuote(target);
  return [
    `if [ -L ${t} ]; then echo ${shellQuote(`${target} is a symbolic link; not used`)} >&2; exit ${NOT_OWNED}; fi`,
    `if [ ! -e ${t} ]; then mkdir -p -- ${shellQuote(posix.dirname(target))} && mkdir -m 700 -- ${t}; elif [ ! -d ${t} ]; then echo "the target is not a folder" >&2; exit ${NOT_OWNED}; fi`,
  ].join('\n');
}

/** Only a regular schedule file whose first line is this policy's marker is pytin's to replace or
 * remove; a missing one may be created. */
function ownedScheduleCheck(cronPath: string, policy: string): string {
  const p = shellQuote(cronPath);
  return `if [ -L ${p} ] || { [ -e ${p} ] && ! head -n 1 ${p} | grep -qxF ${shellQuote(markerLineOf(policy))}; }; then echo ${shellQuote(`${posix.basename(cronPath)} exists and is not the schedule pytin installed for backup/${policy}; not changed`)} >&2; exit ${NOT_OWNED}; fi`;
}

/** Installs (or removes) a policy on its host: the target folder, the exclude file and the
 * schedule. Idempotent. Deleting removes only the schedule, never archives. Changes only what
 * pytin created: an existing target keeps its mode, a schedule file of another policy or another
 * tool is never overwritten or removed. */
export async function applyPolicy(change: Change, context: ApplyContext): Promise<ApplyOutcome> {
  const runner = hostRunner(context);
  const output: string[] = [];
  const policy = change.address.slice('backup/'.length);
  const fail = (code: BackupPolicyCode, error: string): ApplyOutcome => failedOutcome(change, code, error, output.join('\n'), change.before);
  const step = async (command: string, stdin = ''): Promise<ApplyOutcome | undefined> => {
    const result = await runner.run(command, { stdin });
    output.push(`$ ${command.split('\n')[0]!.slice(0, 200)}`);
    if (result.stdout.trim()) output.push(result.stdout.trim());
    if (result.exitCode === NOT_OWNED) return fail('APPLY_BACKUP_NOT_OWNED', result.stderr.trim());
    if (result.exitCode !== 0) return fail('APPLY_BACKUP_INSTALL_FAILED', `${command.split(' ')[0]}: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
    return undefined;
  };
  try {
    // The plan's paths go on command lines: checked again in the forms the schemas give them (a
    // plan file was derived again before apply, but a check here costs nothing).
    const paths = change.action === 'delete' ? (change.before as unknown as Installed) : (change.after as unknown as Installed);
    if (!isHostPath(paths.cronPath) || !isBackupTarget(paths.target))
      return fail(
        'APPLY_BACKUP_INSTALL_FAILED',
        `the change's paths are not in the forms pytin writes (${JSON.stringify(paths.cronPath)}, ${JSON.stringify(paths.target)})`,
      );
    if (change.action === 'delete') {
      const before = change.before as unknown as Installed;
      const timer = before.cronPath.endsWith(TIMER_SUFFIX);
      const paths = timer ? [before.cronPath, `${before.cronPath.slice(0, -TIMER_SUFFIX.length)}.service`] : [before.cronPath];
      const checks = paths.map((path) => ownedScheduleCheck(path, policy)).join('\n');
      const refused = await step(`${checks}\n${timer ? `${activateTimerCommand(before.cronPath, false)}\n` : ''}rm -f -- ${paths.map(shellQuote).join(' ')}`);
      if (refused) return refused;
      return { ok: true, output: `removed ${paths.join(', ')} (archives in ${before.target} are kept)`, diagnostics: [], state: null };
    }
    const after = change.after as unknown as Installed;
    const excludePath = posix.join(after.target, `.pytin-${policy}.exclude`);
    const schedule = after.scheduleFiles ?? [{ path: after.cronPath, text: after.cronText }];
    if (!schedule.every((f) => isHostPath(f.path)))
      return fail(
        'APPLY_BACKUP_INSTALL_FAILED',
        `the change's schedule paths are not in the form pytin writes (${JSON.stringify(schedule.map((f) => f.path))})`,
      );
    // Every file is checked as pytin's before any is written: a half-installed pair is not left behind.
    const owned = schedule.map((f) => ownedScheduleCheck(f.path, policy)).join('\n');
    const steps: Array<readonly [string, string]> = [
      [targetCommand(after.target), ''],
      [writeFileCommand(excludePath, '600'), after.excludeText],
      [owned, ''],
      ...schedule.map((f) => [writeFileCommand(f.path, '644'), f.text] as const),
    ];
    if (after.cronPath.endsWith(TIMER_SUFFIX)) steps.push([activateTimerCommand(after.cronPath, true), '']);
    for (const [command, stdin] of steps) {
      const failed = await step(command, stdin);
      if (failed) return failed;
    }
    return { ok: true, output: output.join('\n'), diagnostics: [], state: change.after as JsonValue };
  } catch (error) {
    return fail('APPLY_BACKUP_INSTALL_FAILED', (error as Error).message);
  }
}
