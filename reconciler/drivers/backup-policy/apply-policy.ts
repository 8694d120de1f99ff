import { posix } from 'node:path';
import { failedOutcome, hostRunner, type ApplyContext, type ApplyOutcome } from '../driver.js';
import type { JsonValue } from '../../../inventory/core/json-value.js';
import type { Change } from '../../plan/change.js';
import { shellQuote } from '../../transports/shell-quote.js';
import { CRON_MARKER } from './policy-files.js';

interface Installed {
  target: string;
  cronPath: string;
  cronText: string;
  excludeText: string;
}

/** Writes a file through a temporary name in the same folder and a rename: cron never reads half a
 * schedule. */
function writeFileCommand(path: string, mode: string): string {
  const temporary = posix.join(posix.dirname(path), `.${posix.basename(path)}.pytin-tmp`);
  return `mkdir -p ${shellQuote(posix.dirname(path))} && cat > ${shellQuote(temporary)} && chmod ${mode} ${shellQuote(temporary)} && mv -f ${shellQuote(temporary)} ${shellQuote(path)}`;
}

/** Installs (or removes) a policy on its host: the target folder, the exclude file and the
 * schedule. Idempotent. Deleting removes only the schedule, never archives. */
export async function applyPolicy(change: Change, context: ApplyContext): Promise<ApplyOutcome> {
  const runner = hostRunner(context);
  const output: string[] = [];
  const fail = (error: string): ApplyOutcome => failedOutcome(change, 'APPLY_BACKUP_INSTALL_FAILED', error, output.join('\n'), change.before);
  try {
    if (change.action === 'delete') {
      const before = change.before as unknown as Installed;
      // Only a schedule that carries pytin's marker is pytin's to remove.
      const result = await runner.run(`if head -n 1 ${shellQuote(before.cronPath)} 2>/dev/null | grep -q ${shellQuote(`^${CRON_MARKER}`)}; then rm -f ${shellQuote(before.cronPath)}; fi`);
      if (result.exitCode !== 0) return fail(result.stderr.trim());
      return { ok: true, output: `removed ${before.cronPath} (archives in ${before.target} are kept)`, diagnostics: [], state: null };
    }
    const after = change.after as unknown as Installed;
    const excludePath = posix.join(after.target, `.pytin-${change.address.slice('backup/'.length)}.exclude`);
    for (const [command, stdin] of [
      [`mkdir -p ${shellQuote(after.target)} && chmod 700 ${shellQuote(after.target)}`, ''],
      [writeFileCommand(excludePath, '600'), after.excludeText],
      [writeFileCommand(after.cronPath, '644'), after.cronText],
    ] as const) {
      const result = await runner.run(command, { stdin });
      output.push(`$ ${command.split(' && ')[0]}`);
      if (result.exitCode !== 0) return fail(`${command.split(' ')[0]}: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
    }
    return { ok: true, output: output.join('\n'), diagnostics: [], state: change.after as JsonValue };
  } catch (error) {
    return fail((error as Error).message);
  }
}
