import type { BackupPolicySpec } from '../../../inventory/model/specs.js';
import { type BackupAgent, DEFAULT_UNIT_DIR, type PolicyFiles, policyFiles } from './policy-files.js';
import { timerUnitFiles } from './systemd-timer.js';

/** The files a policy installs on its host, by the host's scheduler (trusted connection
 * settings): a cron.d file, or a systemd service and timer (the timer stands as `cronPath`, the
 * file that names the policy's schedule). */
export function installedFiles(policy: BackupPolicySpec, agent: BackupAgent): PolicyFiles {
  const files = policyFiles(policy, agent);
  if (agent.scheduler !== 'systemd') return files;
  const units = timerUnitFiles(policy, agent, agent.unitDir ?? DEFAULT_UNIT_DIR);
  return {
    ...files,
    cronPath: units.timerPath,
    cronText: units.serviceText + units.timerText,
    scheduleFiles: [
      { path: units.servicePath, text: units.serviceText },
      { path: units.timerPath, text: units.timerText },
    ],
  };
}
