import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import type { ConnectionSettings } from '../../inventory/model/connection-settings.js';
import type { DesiredState } from '../../inventory/model/desired-state.js';
import type { SourceLocator } from '../../inventory/parse/source-index.js';
import type { Change } from './change.js';
import type { Drift } from './drift.js';
import type { ObservedFacts } from './observed-facts.js';

/** Everything a driver may plan from. Pure data: planning does no I/O. */
export interface PlanInput {
  /** The desired state at the revision being planned. */
  state: DesiredState;
  /** Trusted connection settings (libvirt URIs, backup agents): never read these from `state`. */
  connections: ConnectionSettings;
  /** The inventory's other files at the same revision, as text, by path (kickstart templates). */
  files: ReadonlyMap<string, string>;
  facts: ObservedFacts;
  now: number;
  /** Finds the file:line:col of any value of the desired state, for a diagnostic that points at
   * one field (a disk's size) rather than the whole document. Absent: diagnostics point at the
   * resource's document. */
  sources?: SourceLocator;
}

/** What one driver contributes to a plan. */
export interface DriverPlan {
  changes: Change[];
  drift: Drift[];
  diagnostics: Diagnostic[];
}

/** The port the planner needs of a driver (reconciler/drivers/driver.ts is the whole contract). */
export interface PlanningDriver {
  name: string;
  /** Dependency order within a target: lower first (VMs 20, then limits 30, then backups 40). */
  order: number;
  /** The key this driver's host facts are stored under; absent: it reads no host facts. */
  factsKey?: string;
  /** Whose facts those are: SSH hosts (default) or a service endpoint (`service:NAME`, the Zabbix
   * API). The fingerprint hashes each driver's facts only for its own kind of subject. */
  factsOf?: 'host' | 'service';
  /** The part of its facts the driver plans from (what a saved plan's fingerprint covers);
   * absent: all of them. */
  plannedFrom?(facts: unknown): unknown;
  /** Pure: the same input gives the same plan. */
  plan(input: PlanInput): DriverPlan;
}
