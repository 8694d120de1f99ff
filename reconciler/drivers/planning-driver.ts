import type { DesiredState } from '../../inventory/model/desired-state.js';
import type { InventorySnapshot } from '../../inventory/source/inventory-snapshot.js';
import type { Change } from '../plan/change.js';
import type { ObservedFacts } from '../plan/observed-facts.js';
import type { ApplyContext, ApplyOutcome, DriverPlan } from './driver.js';

/** Everything a driver may plan from. Pure data: planning does no I/O. */
export interface PlanContext {
  state: DesiredState;
  /** The inventory files at the revision (kickstart templates live there). */
  snapshot: InventorySnapshot;
  facts: ObservedFacts;
  now: number;
}

/** A driver as the planner and the apply engine use it: its own input is built from the shared
 * PlanContext here, so each driver keeps the input type that suits it. */
export interface PlanningDriver {
  name: string;
  /** Dependency order within a host: lower first (addresses, then VMs, then limits). */
  order: number;
  plan(context: PlanContext): DriverPlan;
  apply(change: Change, context: ApplyContext): Promise<ApplyOutcome>;
}
