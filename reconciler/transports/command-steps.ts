import { randomBytes } from 'node:crypto';

import { InternalError } from '../../inventory/core/errors.js';
import type { CommandResult, CommandRunner } from './command-runner.js';

/** One command of a step script: a complete shell command line, its words already quoted. */
export interface CommandStep {
  command: string;
  /** This step reads the script's standard input (at most one step does); every other step
   * reads /dev/null, so none can swallow what was meant for it. */
  readsStdin?: boolean;
}

/**
 * Runs several commands on a host in ONE round trip (one command on the runner), one after the
 * other, stopping at the first that fails — what separate runs with a check after each would do,
 * without a round trip per command. Each step's own standard output and error come back apart:
 * before each step the script prints a marker line to both streams, and the marker holds random
 * bytes, so no command's output can forge one. The result has one entry per step: its output and
 * exit status (the step that failed has the script's exit status, which is its own), or null for
 * the steps after it, which never ran. The runner's TransportError (connection lost, timeout)
 * passes through: then which steps ran is unknown.
 */
export async function runSteps(
  runner: CommandRunner,
  steps: readonly CommandStep[],
  options: { stdin?: string; timeoutMs?: number } = {},
): Promise<Array<CommandResult | null>> {
  if (steps.length === 0) return [];
  if (steps.filter((s) => s.readsStdin).length > 1) throw new InternalError('two steps of one script read its standard input');
  const marker = `pytin-step-${randomBytes(8).toString('hex')}`;
  const script = steps
    .map((step, index) => {
      const mark = `'${marker} ${index}'`;
      return `printf '%s\\n' ${mark}; printf '%s\\n' ${mark} >&2; { ${step.command}\n}${step.readsStdin ? '' : ' </dev/null'} || exit $?`;
    })
    .join('\n');
  const result = await runner.run(script, {
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const stdout = splitAtMarkers(result.stdout, marker, steps.length);
  const stderr = splitAtMarkers(result.stderr, marker, steps.length);
  // The last step that began is the one the script ended in: it has the script's exit status. A
  // script that failed before its first marker (no shell) is reported as its first step, whole.
  const began = Math.max(1, stdout.filter((s) => s !== null).length);
  return steps.map((_, index) => {
    if (index >= began) return null;
    const ended = index === began - 1;
    return {
      exitCode: ended ? result.exitCode : 0,
      signal: ended ? result.signal : null,
      stdout: stdout[index] ?? (index === 0 ? result.stdout : ''),
      stderr: stderr[index] ?? (index === 0 ? result.stderr : ''),
    };
  });
}

/** The text after each step's marker line up to the next one; null for a step whose marker is
 * absent (it never began). Anything before the first marker (the shell's own complaints) goes to
 * the first step, so no output is lost. */
function splitAtMarkers(text: string, marker: string, count: number): Array<string | null> {
  const bounds: Array<{ start: number; end: number }> = [];
  for (let index = 0; index < count; index++) {
    const line = `${marker} ${index}\n`;
    const at = text.indexOf(line, bounds.at(-1)?.end ?? 0);
    if (at < 0) break;
    bounds.push({ start: at, end: at + line.length });
  }
  return Array.from({ length: count }, (_, index) => {
    const here = bounds[index];
    if (!here) return null;
    const own = text.slice(here.end, bounds[index + 1]?.start ?? text.length);
    return index === 0 ? text.slice(0, here.start) + own : own;
  });
}
