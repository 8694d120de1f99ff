/** Permanent codes of the backup policy driver (see inventory/core/diagnostic-codes.ts). */
export const BACKUP_POLICY_CODES = {
  PLAN_BACKUP_NOT_OBSERVED: "a policy's host has not been observed; the policy is not planned",
  PLAN_BACKUP_BAD_SCHEDULE: "a policy's schedule is not a cron expression pytin understands (overdue runs cannot be told)",
  APPLY_BACKUP_INSTALL_FAILED: 'installing a policy (target, exclude file, schedule) failed on its host',
  APPLY_BACKUP_NOT_OWNED: "a schedule file or target on the host is not pytin's for this policy (another policy's or tool's file, a link); nothing was changed",
} as const satisfies Record<string, string>;

export type BackupPolicyCode = keyof typeof BACKUP_POLICY_CODES;
