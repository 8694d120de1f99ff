import type { SshPool } from '../../transports/ssh/ssh-pool.js';
import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { runFactCommand } from './host-command.js';
import { hostDiagnostic } from './host-diagnostics.js';
import type { HostBasics } from './host-facts.js';
import type { HostTarget } from './host-target.js';

// /proc/uptime is read with the shell's own `read`, so only uname must exist.
const SCRIPT = 'uname -n && uname -r && { read -r up _ < /proc/uptime && echo "$up"; }';

export async function observeBasics(
  pool: SshPool,
  target: HostTarget,
  timeoutMs: number,
): Promise<{ basics: HostBasics | null; diagnostics: Diagnostic[] }> {
  const outcome = await runFactCommand(pool, target, 'basics', 'uname', SCRIPT, timeoutMs);
  if (!outcome.ok) return { basics: null, diagnostics: [outcome.diagnostic] };
  const [hostname, kernel, uptime] = outcome.result.stdout.trim().split('\n');
  const uptimeSeconds = Number(uptime);
  if (!hostname || !kernel || !Number.isFinite(uptimeSeconds)) {
    return {
      basics: null,
      diagnostics: [hostDiagnostic(target, 'OBS_HOST_OUTPUT_UNPARSABLE', `basics: unexpected output "${outcome.result.stdout.slice(0, 120)}"`)],
    };
  }
  return { basics: { hostname, kernel, uptimeSeconds }, diagnostics: [] };
}
