import { posix } from 'node:path';

import { InternalError } from '../../../inventory/core/errors.js';
import { cronFileNameOf } from '../../../inventory/model/derived-names.js';
import type { BackupPolicySpec } from '../../../inventory/model/specs.js';
import { isHostPath } from '../../../schemas/formats/paths.js';
import { type BackupAgent, checkedAgent, checkedName, markerLineOf, runArguments } from './policy-files.js';
import { onCalendarOf } from './systemd-calendar.js';

/** A policy's schedule as a systemd timer and the oneshot service it starts, for hosts whose
 * operator prefers timers to cron.d. Deterministic, like the cron file: the same policy gives the
 * same bytes. */
export interface TimerUnitFiles {
  servicePath: string;
  serviceText: string;
  timerPath: string;
  timerText: string;
}

/** One word of an `ExecStart=` line. systemd splits the line on blanks, reads quotes and
 * backslash escapes, expands `%` specifiers and `$` variables, and a leading `-@:+!` on the
 * command changes how it runs (ignore failure, argv[0], no substitution, full privileges): a word
 * from the inventory holding any of those would run another command, or this one differently, as
 * root. Only characters none of those mean are let through, and the command must start with a
 * letter, digit, `_` or `/` (the schemas' path, name and program forms are inside these sets);
 * anything else is a bug upstream, refused here at the point of use. */
export function execWord(text: string, position: 'command' | 'argument'): string {
  const form = position === 'command' ? /^[A-Za-z0-9_/][A-Za-z0-9_./+,=:@-]*$/ : /^[A-Za-z0-9_./+,=:@-]+$/;
  if (!form.test(text)) throw new InternalError(`a word that systemd would not read verbatim reached an ExecStart= line: ${JSON.stringify(text.slice(0, 80))}`);
  return text;
}

export function timerUnitFiles(policy: BackupPolicySpec, configuredAgent: BackupAgent, unitDir: string): TimerUnitFiles {
  const agent = checkedAgent(configuredAgent);
  if (!isHostPath(unitDir)) throw new InternalError(`unit folder ${JSON.stringify(unitDir.slice(0, 120))} is not an absolute normalised path`);
  const name = checkedName(policy);
  // The cron file's name (pytin-backup-NAME, `.` as `_`): injective by an inventory rule, and
  // free of `@` and `\`, which systemd reads as template and escape marks in unit names.
  const unit = cronFileNameOf(name);
  const marker = markerLineOf(name);
  const exec = [execWord(agent.command, 'command'), ...['backup', 'run', ...runArguments(policy)].map((word) => execWord(word, 'argument'))].join(' ');
  const serviceText = [
    marker,
    '[Unit]',
    `Description=pytin backup policy backup/${name}`,
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${exec}`,
    // Like the cron line's >/dev/null: the engine keeps the series log itself.
    'StandardOutput=null',
    'StandardError=null',
    '',
  ].join('\n');
  const timerText = [
    marker,
    '[Unit]',
    `Description=schedule of pytin backup policy backup/${name}`,
    '',
    '[Timer]',
    ...onCalendarOf(policy.schedule).map((expression) => `OnCalendar=${expression}`),
    `Unit=${unit}.service`,
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  return {
    servicePath: posix.join(unitDir, `${unit}.service`),
    serviceText,
    timerPath: posix.join(unitDir, `${unit}.timer`),
    timerText,
  };
}
