import { hasErrors, type Diagnostic } from '../../inventory/core/diagnostic.js';
import type { DesiredState } from '../../inventory/model/desired-state.js';
import type { InventorySnapshot } from '../../inventory/source/inventory-snapshot.js';
import { validateInventory } from '../../inventory/validate/validate-inventory.js';
import { hostTargets } from '../observe/host-targets.js';
import type { HostTarget } from '../observe/hosts/host-target.js';
import { observeInventory, type ObservationResult, type ObservationSubject } from '../observe/observe-inventory.js';
import { snmpTargets } from '../observe/snmp-targets.js';
import { openStore, type Store } from '../store/open-store.js';
import { StoreRefusedError } from '../store/store-error.js';
import type { CommandRunner } from '../transports/command-runner.js';
import { SshCommandRunner } from '../transports/ssh/ssh-command-runner.js';
import { SshPool } from '../transports/ssh/ssh-pool.js';
import { booleanOption, type CommandIO, type ParsedCommandArgs } from './command.js';
import { readInventoryFromArgs } from './inventory-options.js';
import { knownHostsPathFor, storePathFrom } from './store-options.js';

/** What plan and apply share: the validated inventory at its revision, the store, and one SSH
 * connection per host. Closed with `close()` in a finally. */
export interface ReconcileSession {
  snapshot: InventorySnapshot;
  state: DesiredState;
  store: Store;
  storePath: string;
  pool: SshPool;
  hosts: Map<string, HostTarget>;
  /** Warnings of the (valid) inventory. */
  inventoryWarnings: Diagnostic[];
  /** Setting-up problems (a secret that cannot be resolved): reported, not fatal by themselves. */
  setupDiagnostics: Diagnostic[];
  runnerFor(host: string): CommandRunner;
  /** Observes switches and hosts (all, or the named ones) and stores the facts. */
  observe(names?: ReadonlySet<string>, onResult?: (r: ObservationResult) => void): Promise<ObservationResult[]>;
  close(): Promise<void>;
}

export type SessionResult = { session: ReconcileSession } | { failed: Diagnostic[] };

export async function openReconcileSession(args: ParsedCommandArgs, io: CommandIO, parallelism: number): Promise<SessionResult> {
  const snapshot = await readInventoryFromArgs(args, io);
  const validation = validateInventory(snapshot);
  if (hasErrors(validation.diagnostics)) return { failed: validation.diagnostics };
  const { state } = validation;
  const storePath = storePathFrom(args, io, state, snapshot.rootDir);
  let store: Store;
  try {
    store = await openStore(storePath);
  } catch (error) {
    if (error instanceof StoreRefusedError) return { failed: [error.diagnostic] };
    throw error;
  }
  const pool = new SshPool({ knownHostsPath: knownHostsPathFor(storePath), trustNewHosts: booleanOption(args, 'trust-new-hosts') });
  const targets = hostTargets(state, snapshot.rootDir);
  const hosts = new Map(targets.hosts.map((h) => [h.name, h]));
  const devices = snmpTargets(state, { env: io.env, baseDir: snapshot.rootDir });
  const runners = new Map<string, CommandRunner>();
  return {
    session: {
      snapshot,
      state,
      store,
      storePath,
      pool,
      hosts,
      inventoryWarnings: validation.diagnostics,
      setupDiagnostics: [...targets.diagnostics, ...devices.diagnostics],
      runnerFor(host) {
        let runner = runners.get(host);
        if (!runner) {
          const target = hosts.get(host);
          if (!target) throw new Error(`host "${host}" has no ssh settings in the inventory`);
          runner = new SshCommandRunner(pool.host(target));
          runners.set(host, runner);
        }
        return runner;
      },
      observe(names, onResult) {
        const subjects: ObservationSubject[] = [
          ...devices.devices.filter((d) => !names || names.has(d.name)).map((device) => ({ source: 'snmp' as const, device })),
          ...targets.hosts.filter((h) => !names || names.has(h.name)).map((host) => ({ source: 'host' as const, host })),
        ];
        return observeInventory(subjects, { store, pool, parallelism, ...(onResult ? { onResult } : {}) });
      },
      async close() {
        await pool.close();
        await store.close();
      },
    },
  };
}
