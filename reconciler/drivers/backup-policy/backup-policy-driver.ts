import type { Driver, DriverPlan } from '../driver.js';
import { applyPolicy } from './apply-policy.js';
import { BACKUP_POLICY_DRIVER, planPolicies, type PolicyHostInput } from './plan-policies.js';

/** Policies are installed after the VMs and limits of a host (nothing depends on them). */
export const BACKUP_POLICY_DRIVER_ORDER = 40;

export interface BackupPolicyPlanInput {
  hosts: PolicyHostInput[];
  now: number;
}

/** Backup policies as desired state: the schedule calling pytin's engine, the target folder and
 * the exclude file on each policy's host; their series' health is drift. */
export const backupPolicyDriver: Driver<BackupPolicyPlanInput> = {
  name: BACKUP_POLICY_DRIVER,
  order: BACKUP_POLICY_DRIVER_ORDER,
  plan(input): DriverPlan {
    const out: DriverPlan = { changes: [], drift: [], diagnostics: [] };
    for (const host of input.hosts) {
      const p = planPolicies(host, input.now);
      out.changes.push(...p.changes);
      out.drift.push(...p.drift);
      out.diagnostics.push(...p.diagnostics);
    }
    return out;
  },
  apply: (change, context) => applyPolicy(change, context),
};
