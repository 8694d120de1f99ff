import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { InternalError } from '../../inventory/core/errors.js';
import type { JsonValue } from '../../inventory/core/json-value.js';
import type { ConnectionSettings, ServerConnection } from '../../inventory/model/connection-settings.js';
import type { HostProbe } from '../observe/hosts/host-probe.js';
import type { Change, ChangeTarget } from '../plan/change.js';
import type { PlanningDriver } from '../plan/planning-port.js';
import type { CommandRunner } from '../transports/command-runner.js';

/** The transport of a change's target, handed to the driver that applies it. */
export type TargetTransport = { kind: 'host'; runner: CommandRunner } | { kind: 'service'; endpoint: ServiceEndpoint };

/** A service a driver talks to instead of a host (the Zabbix API): its name in the settings and
 * the client the session opened for it. Each service driver narrows `client` to its own type. */
export interface ServiceEndpoint {
  name: string;
  client: unknown;
}

export interface ApplyContext {
  target: ChangeTarget;
  transport: TargetTransport;
  /** The inventory commit being applied, recorded as ownership on what pytin creates. */
  commit: string | null;
}

/** The result of applying one change. `state` is the last known state of the resource, also on
 * failure, so the store always knows what is out there. A failed change has at least one error
 * diagnostic saying why, with its code. */
export interface ApplyOutcome {
  ok: boolean;
  /** A transcript for people (commands run, their output). */
  output: string;
  diagnostics: Diagnostic[];
  state?: JsonValue;
  /** False on a failed outcome of `applyBatch` whose change the driver never sent (an earlier
   * write of the batch failed): reported as skipped, while the writes the service refused are
   * failed. */
  attempted?: false;
}

/** One driver owns one kind of thing end to end: what it observes on a host (a read-only probe
 * built from trusted connection settings; its facts type is its own), its pure plan, and apply of
 * its changes, idempotently, over the transport of each change's target. */
export interface Driver extends PlanningDriver {
  /** What to read on one server, or undefined when the driver has nothing there. */
  hostProbe?(server: ServerConnection, connections: ConnectionSettings): HostProbe | undefined;
  apply(change: Change, context: ApplyContext): Promise<ApplyOutcome>;
  /** Applies consecutive changes of this driver on one target together (a service API that takes
   * many objects a call): one outcome per change, in order. Absent: `apply` one by one. */
  applyBatch?(changes: readonly Change[], context: ApplyContext): Promise<ApplyOutcome[]>;
}

/** A failed outcome with one error diagnostic. */
export function failedOutcome(change: Pick<Change, 'address'>, code: string, summary: string, output: string, state?: JsonValue): ApplyOutcome {
  return { ok: false, output, diagnostics: [{ severity: 'error', code, summary, address: change.address }], ...(state !== undefined ? { state } : {}) };
}

/** The runner of a host target; a driver whose changes are on hosts calls this. */
export function hostRunner(context: ApplyContext): CommandRunner {
  if (context.transport.kind !== 'host') throw new InternalError(`a host driver got a change for ${context.target.kind} ${context.target.name}`);
  return context.transport.runner;
}
