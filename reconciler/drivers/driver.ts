import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import type { Change, JsonValue } from '../plan/change.js';
import type { Drift } from '../plan/drift.js';
import type { CommandRunner } from '../transports/command-runner.js';

/** What one driver contributes to a plan. Computed by a pure function: no I/O, deterministic. */
export interface DriverPlan {
  changes: Change[];
  drift: Drift[];
  diagnostics: Diagnostic[];
}

export interface ApplyContext {
  /** The host the change is applied on. */
  runner: CommandRunner;
  /** The inventory commit being applied, recorded as ownership on what pytin creates. */
  commit: string | null;
}

/** The result of applying one change. `state` is the last known state of the resource, also on
 * failure, so the store always knows what is out there. */
export interface ApplyOutcome {
  ok: boolean;
  output: string;
  error?: string;
  state?: JsonValue;
}

/** A driver owns one kind of change: it plans from desired state and observed facts (pure), and
 * applies its changes idempotently over a host's CommandRunner. `order` is the dependency order
 * within a host: lower first (addresses before VMs before limits). */
export interface Driver<Input> {
  name: string;
  order: number;
  plan(input: Input): DriverPlan;
  apply(change: Change, context: ApplyContext): Promise<ApplyOutcome>;
}
