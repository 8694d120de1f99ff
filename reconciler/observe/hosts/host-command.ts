import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { ExecResult } from '../../transports/ssh/ssh-host.js';
import { hostDiagnostic, sshFailureDiagnostic } from './host-diagnostics.js';
import type { HostProbeContext } from './host-probe.js';

/** Exit status of the guard below; 127 is also what a shell gives for "not found". */
const MISSING = 127;

/** A shell line that stops with status 127 and a recognisable message when `program` is not on
 * the host's PATH, so a missing tool is a diagnostic for its fact, not a parse error. */
export function requireProgram(program: string): string {
  return `command -v ${program} >/dev/null 2>&1 || { echo "pytin: ${program}: command not found" >&2; exit ${MISSING}; }`;
}

export type FactCommandResult = { ok: true; result: ExecResult } | { ok: false; diagnostic: Diagnostic };

/** Runs the command of one fact kind. Any failure becomes a diagnostic for that fact. */
export async function runFactCommand(context: HostProbeContext, fact: string, program: string, script: string): Promise<FactCommandResult> {
  const { pool, target, timeoutMs } = context;
  let result: ExecResult;
  try {
    result = await pool.exec(target, `${requireProgram(program)}\n${script}`, { timeoutMs });
  } catch (error) {
    return { ok: false, diagnostic: sshFailureDiagnostic(target, error, fact) };
  }
  if (result.exitCode === MISSING && result.stderr.includes(`pytin: ${program}: command not found`)) {
    return {
      ok: false,
      diagnostic: hostDiagnostic(target, 'OBS_HOST_COMMAND_MISSING', `${fact}: "${program}" is not installed on ${target.name} (or not on its PATH)`),
    };
  }
  if (result.exitCode !== 0) {
    return {
      ok: false,
      diagnostic: hostDiagnostic(
        target,
        'OBS_HOST_COMMAND_FAILED',
        `${fact}: ${program} failed on ${target.name} (${result.exitCode === null ? `signal ${result.signal}` : `exit ${result.exitCode}`}): ${firstLines(result.stderr)}`,
        { detail: result.stderr },
      ),
    };
  }
  return { ok: true, result };
}

function firstLines(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines.slice(0, 3).join(' / ') || 'no error message';
}
