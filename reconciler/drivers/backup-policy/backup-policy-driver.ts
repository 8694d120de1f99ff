import { type Desired, resourcesOfKind } from '../../../inventory/model/desired-state.js';
import type { BackupPolicySpec, ServerSpec } from '../../../inventory/model/specs.js';
import type { DriverPlan } from '../../plan/planning-port.js';
import type { Driver } from '../driver.js';
import { applyPolicy } from './apply-policy.js';
import type { BackupsFacts } from './backup-facts.js';
import { BACKUP_FACTS_KEY, backupPolicyTarget, backupsProbe } from './observe-backups.js';
import { BACKUP_POLICY_DRIVER, planPolicies, type PolicyHostInput } from './plan-policies.js';
import { DEFAULT_AGENT, scheduleFolder } from './policy-files.js';

/** Policies are installed after the VMs and limits of a host (nothing depends on them). */
export const BACKUP_POLICY_DRIVER_ORDER = 40;

function policiesByHost(policies: ReadonlyArray<Desired<BackupPolicySpec>>): Map<string, BackupPolicySpec[]> {
  const byHost = new Map<string, BackupPolicySpec[]>();
  for (const policy of policies) byHost.set(policy.spec.host, [...(byHost.get(policy.spec.host) ?? []), policy.spec]);
  return byHost;
}

export function planPolicyHosts(hosts: readonly PolicyHostInput[], now: number): DriverPlan {
  const out: DriverPlan = { changes: [], drift: [], diagnostics: [] };
  for (const host of hosts) {
    const p = planPolicies(host, now);
    out.changes.push(...p.changes);
    out.drift.push(...p.drift);
    out.diagnostics.push(...p.diagnostics);
  }
  return out;
}

/** Backup policies as desired state: the schedule calling pytin's engine, the target folder and
 * the exclude file on each policy's host; their series' health is drift. */
export const backupPolicyDriver: Driver = {
  name: BACKUP_POLICY_DRIVER,
  order: BACKUP_POLICY_DRIVER_ORDER,
  factsKey: BACKUP_FACTS_KEY,
  // A saved plan depends on the installed files, not on the series reports (lock ages move with
  // the clock and plan nothing).
  plannedFrom: (facts) => (facts as BackupsFacts).policies.map((p) => ({ name: p.name, cron: p.cron, exclude: p.exclude })),
  hostProbe(server, connections) {
    const agent = server.backupAgent ?? DEFAULT_AGENT;
    const own = policiesByHost(resourcesOfKind<BackupPolicySpec>(connections.state, 'BackupPolicy')).get(server.name) ?? [];
    // Backup nodes and hosts with policies are checked for schedules git no longer has.
    const folder = scheduleFolder(agent);
    const cronDir = own.length > 0 || server.roles.includes('backup-node') ? folder.dir : undefined;
    return backupsProbe({
      policies: own.map((policy) => backupPolicyTarget(policy, agent)),
      cronDir,
      scheduleSuffix: folder.suffix === '.timer' ? '.timer' : '',
    });
  },
  plan(input) {
    const byHost = policiesByHost(resourcesOfKind<BackupPolicySpec>(input.state, 'BackupPolicy'));
    const hosts: PolicyHostInput[] = [];
    for (const server of resourcesOfKind<ServerSpec>(input.state, 'Server')) {
      const own = byHost.get(server.name) ?? [];
      const stored = input.facts.hosts.get(server.name)?.facts.get(BACKUP_FACTS_KEY);
      const facts = stored?.value as BackupsFacts | undefined;
      if (own.length === 0 && !facts?.installed.length) continue;
      hosts.push({
        host: server.name,
        agent: input.connections.servers.get(server.name)?.backupAgent ?? DEFAULT_AGENT,
        policies: own,
        observed: facts?.policies ?? null,
        installed: facts?.installed ?? [],
        observedAt: stored?.observedAt ?? null,
      });
    }
    return planPolicyHosts(hosts, input.now);
  },
  apply: applyPolicy,
};
