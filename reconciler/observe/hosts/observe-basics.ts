import { runFactCommand } from './host-command.js';
import { hostDiagnostic } from './host-diagnostics.js';
import type { HostBasics } from './host-observation.js';
import type { HostProbeContext, ProbeResult } from './host-probe.js';

// /proc/uptime is read with the shell's own `read`, so only uname must exist.
const SCRIPT = 'uname -n && uname -r && { read -r up _ < /proc/uptime && echo "$up"; }';

/** Host name, kernel and uptime: what every host shows, and the first command on a host (it
 * opens the connection). */
export async function observeBasics(context: HostProbeContext): Promise<ProbeResult<HostBasics>> {
  const outcome = await runFactCommand(context, 'basics', 'uname', SCRIPT);
  if (!outcome.ok) return { facts: null, diagnostics: [outcome.diagnostic] };
  const [hostname, kernel, uptime] = outcome.result.stdout.trim().split('\n');
  const uptimeSeconds = Number(uptime);
  if (!hostname || !kernel || !Number.isFinite(uptimeSeconds)) {
    return {
      facts: null,
      diagnostics: [hostDiagnostic(context.target, 'OBS_HOST_OUTPUT_UNPARSABLE', `basics: unexpected output "${outcome.result.stdout.slice(0, 120)}"`)],
    };
  }
  return { facts: { hostname, kernel, uptimeSeconds }, diagnostics: [] };
}
