import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { splitAddress } from '../../inventory/core/address.js';
import type { PlanContext } from '../drivers/planning-driver.js';
import type { Change, JsonValue } from './change.js';

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

function isProtected(value: JsonValue | null): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.protected === true;
}

export function destroys(change: Change): boolean {
  return change.action === 'delete' || change.action === 'replace';
}

/** A change that would destroy a protected resource (protected in git, or recorded as protected
 * on the object when pytin created it). */
export function destroysProtected(change: Change): boolean {
  return destroys(change) && (isProtected(change.before) || isProtected(change.after));
}

/** Why apply would refuse this plan, as error diagnostics (empty: nothing to refuse). Shown in
 * the plan too, so a reviewer sees it before anyone runs apply. */
export function safetyDiagnostics(changes: readonly Change[], context: Pick<PlanContext, 'state'>, policy: SafetyPolicy): Diagnostic[] {
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
  for (const change of changes) if (change.action === 'delete') deletes.set(splitAddress(change.address).prefix, (deletes.get(splitAddress(change.address).prefix) ?? 0) + 1);
  for (const [prefix, count] of deletes) {
    const remaining = [...context.state.resources.keys()].filter((a) => splitAddress(a).prefix === prefix).length;
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
