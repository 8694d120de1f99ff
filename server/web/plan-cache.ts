import type { Drift } from '../../reconciler/plan/drift.js';
import type { PlanMessage } from '../../reconciler/render/plan-json.js';
import { type PlanView, planView } from '../../reconciler/render/plan-view.js';
import { latestPlanMessagesJson, latestPlanRunId } from '../../reconciler/store/api/api-reads.js';
import type { RequestState } from '../state/state-cache.js';

/** The plan an apply run recorded (the messages /v1/plan/latest serves), parsed once: the typed
 * view, and its drift by the resource it is about — what the rack and device pages mark as
 * observed. `server/hv-01` also collects `server/hv-01/eno1` (a MAC seen on another port than its
 * cabling), and that drift is the switch's too, where the MAC was seen. */
export interface RecordedPlan {
  runId: number;
  view: PlanView;
  driftByResource: Map<string, Drift[]>;
}

/** The switch and port a `mac-on-unexpected-port` drift was seen on: its evidence's `where` is
 * `SWITCH PORT` (reconciler/plan/network-drift.ts; a switch name has no space). */
export function seenOnSwitch(d: Drift): { switch: string; port: string } | undefined {
  if (d.kind !== 'mac-on-unexpected-port') return undefined;
  const space = d.evidence.where.indexOf(' ');
  return space > 0 ? { switch: d.evidence.where.slice(0, space), port: d.evidence.where.slice(space + 1) } : undefined;
}

export interface PlanCache {
  /** The plan applied for the request's commit (null: no run of it recorded one). */
  latest(state: RequestState): Promise<RecordedPlan | null>;
}

const KEPT = 4;

/** Parsed plans by apply run (a run's recorded plan never changes), a few at most: a large
 * inventory's plan is megabytes of JSON, too much to parse on every rack page. One per app, so
 * run ids of different stores never meet. */
export function planCache(): PlanCache {
  const plans = new Map<number, RecordedPlan>();
  return {
    async latest(state) {
      const runId = await state.snapshot((db) => latestPlanRunId(db, state.commit));
      if (runId === undefined) return null;
      const cached = plans.get(runId);
      if (cached) return cached;
      const found = await state.snapshot((db) => latestPlanMessagesJson(db, state.commit));
      if (!found) return null;
      const view = planView(JSON.parse(found.json) as PlanMessage[]);
      const driftByResource = new Map<string, Drift[]>();
      const add = (resource: string, d: Drift) => driftByResource.set(resource, [...(driftByResource.get(resource) ?? []), d]);
      for (const d of view.drift) {
        add(d.address.split('/').slice(0, 2).join('/'), d);
        const seenOn = seenOnSwitch(d);
        if (seenOn) add(`switch/${seenOn.switch}`, d);
      }
      const plan = { runId: found.runId, view, driftByResource };
      plans.set(found.runId, plan);
      if (plans.size > KEPT) plans.delete(plans.keys().next().value!);
      return plan;
    },
  };
}
