/** Permanent codes of the planner and the apply engine (see inventory/core/diagnostic-codes.ts). */
export const PLAN_CODES = {
  PLAN_PROTECTED_DESTROY: 'the plan deletes or replaces a protected resource',
  PLAN_MASS_DESTROY: 'the plan deletes more than the allowed share of a kind',
  PLAN_NOTHING_OBSERVED: 'the store holds no observation of any host or switch: the plan compared nothing (said once per plan)',
  PLAN_NOT_OBSERVED: 'hosts or switches pytin can reach were never observed (said once per plan, with why)',
  PLAN_NOT_OBSERVABLE: 'servers without ssh that carry what pytin plans, or switches without snmp: not compared (said once per plan)',
  PLAN_FILE_UNREADABLE: 'a saved plan file cannot be read or is not a pytin plan',
  APPLY_STALE_PLAN: 'the saved plan was made for another commit or other facts',
  APPLY_PLAN_MISMATCH: "a saved plan's changes are not what its own commit and facts give (edited, or made by another pytin)",
  APPLY_LOCKED: 'another apply holds the lock',
  APPLY_REFUSED: 'apply refused the plan (protected or mass destroy)',
  APPLY_CHANGE_FAILED: 'a change failed on its host',
  APPLY_SKIPPED: 'a change was not attempted because an earlier change on its host failed',
  APPLY_NO_DRIVER: 'a change names a driver this pytin does not have',
  APPLY_TARGET_UNKNOWN: "a change's target (host or service) has no connection settings pytin trusts",
} as const satisfies Record<string, string>;
