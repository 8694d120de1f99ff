import { splitAddress } from '../../inventory/core/address.js';
import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { hasErrors } from '../../inventory/core/diagnostic.js';
import { assertNever } from '../../inventory/core/errors.js';
import { isJsonObject, type JsonValue } from '../../inventory/core/json-value.js';
import type { DesiredState } from '../../inventory/model/desired-state.js';
import type { Change } from './change.js';
import type { Plan } from './plan.js';

/** The one safety rule of pytin: what a plan may destroy, and which flag allows what. The plan
 * shows its refusals (so a reviewer sees them before anyone runs apply) and apply, which re-plans
 * with its own flags, refuses exactly the same way. */
export interface SafetyPolicy {
  /** Addresses the operator allows to be destroyed although protected (--allow-destroy). */
  allowDestroy: readonly string[];
  /** Refuse plans deleting more than this share of any kind (--mass-destroy-percent, default 10). */
  massDestroyPercent: number;
  allowMassDestroy: boolean;
}

export const DEFAULT_MASS_DESTROY_PERCENT = 10;
/** A single deletion is never "mass": with 6 VMs, removing one is 17%, and that is an edit. */
const MASS_DESTROY_MIN_COUNT = 2;

function protectedFlag(value: JsonValue | null): boolean {
  return isJsonObject(value) && value.protected === true;
}

/** Whether applying the change destroys the resource: delete, and replace (destroy then create).
 * Read from the action alone, so it holds for every driver and cannot be forgotten by one. */
export function destroys(change: Pick<Change, 'action'>): boolean {
  switch (change.action) {
    case 'delete':
    case 'replace':
      return true;
    case 'no-op':
    case 'create':
    case 'update':
      return false;
    default:
      return assertNever(change.action, 'action');
  }
}

/** A change to a protected resource: `protected: true` in `before` (what is out there: for a VM
 * removed from git, the flag recorded on it at the last apply) or in `after` (git). */
export function touchesProtected(change: Pick<Change, 'before' | 'after'>): boolean {
  return protectedFlag(change.before) || protectedFlag(change.after);
}

export function destroysProtected(change: Pick<Change, 'action' | 'before' | 'after'>): boolean {
  return destroys(change) && touchesProtected(change);
}

/** The note a change that destroys a protected resource carries, beside the change. */
export function protectionNote(change: Pick<Change, 'address' | 'action' | 'before' | 'after'>): string[] {
  return destroysProtected(change) ? [`protected: refused without --allow-destroy ${change.address}`] : [];
}

/** Why apply would refuse these changes, as error diagnostics (empty: nothing to refuse). */
export function safetyDiagnostics(changes: readonly Change[], state: DesiredState, policy: SafetyPolicy): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const change of changes) {
    if (destroysProtected(change) && !policy.allowDestroy.includes(change.address)) {
      out.push({
        severity: 'error',
        code: 'PLAN_PROTECTED_DESTROY',
        summary: `${change.address} is protected and the plan would ${change.action === 'delete' ? 'delete' : 'replace'} it`,
        detail: `Apply refuses this unless run with --allow-destroy ${change.address}.`,
        address: change.address,
      });
    }
  }
  const deletes = new Map<string, number>();
  for (const change of changes)
    if (change.action === 'delete') deletes.set(splitAddress(change.address).prefix, (deletes.get(splitAddress(change.address).prefix) ?? 0) + 1);
  for (const [prefix, count] of deletes) {
    const remaining = [...state.resources.keys()].filter((a) => splitAddress(a).prefix === prefix).length;
    const share = (100 * count) / (count + remaining);
    if (count >= MASS_DESTROY_MIN_COUNT && share > policy.massDestroyPercent && !policy.allowMassDestroy) {
      out.push({
        severity: 'error',
        code: 'PLAN_MASS_DESTROY',
        summary: `the plan deletes ${count} of ${count + remaining} ${prefix} resources (${share.toFixed(0)}%, more than ${policy.massDestroyPercent}%)`,
        detail: 'A wrong branch or path can look like this. Apply refuses it unless run with --allow-mass-destroy.',
      });
    }
  }
  return out;
}

/** Whether a plan may be applied: it has no error diagnostic (an invalid inventory, a driver's
 * refusal, a safety refusal under the flags it was planned with). */
export function canApply(plan: Pick<Plan, 'diagnostics'>): boolean {
  return !hasErrors(plan.diagnostics);
}
