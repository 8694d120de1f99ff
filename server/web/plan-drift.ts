import type { Drift } from '../../reconciler/plan/drift.js';
import { planView } from '../../reconciler/render/plan-view.js';
import type { PlanMessage } from '../../reconciler/render/plan-json.js';
import { latestPlanMessagesJson } from '../../reconciler/store/api/api-reads.js';
import type { RequestState } from '../state/state-cache.js';

/** The plan applied for the page's commit, as the messages /v1/plan/latest serves (null: the
 * run recorded none). */
export async function latestPlanMessages(state: RequestState): Promise<{ runId: number; messages: PlanMessage[] } | null> {
  const found = await state.snapshot((db) => latestPlanMessagesJson(db, state.commit));
  return found ? { runId: found.runId, messages: JSON.parse(found.json) as PlanMessage[] } : null;
}

/** The drift of that plan by the resource it is about: `server/hv-01` also collects
 * `server/hv-01/eno1` (a MAC seen on another port than its cabling). What the rack and device
 * pages mark as observed. */
export async function driftByResource(state: RequestState): Promise<Map<string, Drift[]>> {
  const plan = await latestPlanMessages(state);
  const out = new Map<string, Drift[]>();
  if (!plan) return out;
  for (const d of planView(plan.messages).drift) {
    const resource = d.address.split('/').slice(0, 2).join('/');
    out.set(resource, [...(out.get(resource) ?? []), d]);
  }
  return out;
}
