import { isAbsolute, join } from 'node:path';
import { hasErrors, type Diagnostic } from '../../inventory/core/diagnostic.js';
import { connectionSettingsOf, type ConnectionSettings } from '../../inventory/model/connection-settings.js';
import { resourcesOfKind, type DesiredState } from '../../inventory/model/desired-state.js';
import type { StoreSpec } from '../../inventory/model/specs.js';
import type { InventorySnapshot } from '../../inventory/source/inventory-snapshot.js';
import { readInventory, type InventorySourceOptions } from '../../inventory/source/read-inventory.js';
import { validateInventory } from '../../inventory/validate/validate-inventory.js';
import type { Driver, TargetTransport } from '../drivers/driver.js';
import { DRIVERS } from '../drivers/registry.js';
import { observeInventory, type ObservationResult, type ObservationSubject } from '../observe/observe-inventory.js';
import type { ChangeTarget } from '../plan/change.js';
import { defaultStorePath, openStore, type Store } from '../store/open-store.js';
import { StoreRefusedError } from '../store/store-error.js';
import type { CommandRunner } from '../transports/command-runner.js';
import { SshCommandRunner } from '../transports/ssh/ssh-command-runner.js';
import { SshPool } from '../transports/ssh/ssh-pool.js';
import type { SshTarget } from '../transports/ssh/ssh-target.js';
import { snmpTargets } from './snmp-targets.js';
import { sshTargets } from './ssh-targets.js';
import { dirname } from 'node:path';

/** Plain options: what a CLI command or the server asks a session for. */
export interface SessionOptions {
  inventory: InventorySourceOptions;
  /** The SQLite store; default: the inventory's Store setting, else .pytin/store.sqlite beside it. */
  storePath?: string;
  /** The environment `{env: NAME}` secrets are read from. */
  env: NodeJS.ProcessEnv;
  /** Record the SSH host keys of hosts seen for the first time (a changed key is always refused). */
  trustNewHosts: boolean;
  /** Devices and hosts observed at once. */
  parallelism: number;
  /** The drivers to plan and apply with (default: the registry). */
  drivers?: readonly Driver[];
}

/** The inventory at one revision, validated, with the store and the transports to reach what it
 * describes. Everything observe, plan and apply share. Close it in a finally. */
export interface Session {
  snapshot: InventorySnapshot;
  state: DesiredState;
  /** The trusted connection settings observe and apply use. */
  connections: ConnectionSettings;
  /** The inventory's non-YAML files as text, by path (kickstart templates). */
  files: ReadonlyMap<string, string>;
  drivers: readonly Driver[];
  store: Store;
  storePath: string;
  /** SSH targets by server name (servers with ssh settings and a usable key reference). */
  hosts: ReadonlyMap<string, SshTarget>;
  /** Switches with SNMP settings, by name. */
  switches: readonly string[];
  /** Warnings of the (valid) inventory. */
  inventoryWarnings: Diagnostic[];
  /** Setting-up problems (a secret that cannot be resolved): reported, not fatal by themselves. */
  setupDiagnostics: Diagnostic[];
  /** The transport of a change's target, or why there is none. */
  transportFor(target: ChangeTarget): TargetTransport | Diagnostic;
  /** Observes switches and hosts (all, or the named ones) and stores the facts. */
  observe(names?: ReadonlySet<string>, onResult?: (r: ObservationResult) => void): Promise<ObservationResult[]>;
  close(): Promise<void>;
}

export type SessionResult = { session: Session } | { failed: Diagnostic[] };

/** --store, else the inventory's Store setting, else `.pytin/store.sqlite` in the inventory root. */
export function storePathFor(state: DesiredState | undefined, inventoryRoot: string, explicit?: string): string {
  if (explicit !== undefined) return explicit;
  const setting = state ? resourcesOfKind<StoreSpec>(state, 'Store')[0] : undefined;
  if (setting) return isAbsolute(setting.spec.path) ? setting.spec.path : join(inventoryRoot, setting.spec.path);
  return defaultStorePath(inventoryRoot);
}

/** Pinned SSH host keys live with the store, so a CI cache of .pytin keeps them. */
export function knownHostsPathFor(storePath: string): string {
  return join(dirname(storePath), 'known_hosts');
}

function textFiles(snapshot: InventorySnapshot): Map<string, string> {
  return new Map(snapshot.auxFiles.map((f) => [f.path, Buffer.from(f.bytes).toString('utf8')]));
}

export async function openSession(options: SessionOptions): Promise<SessionResult> {
  const snapshot = await readInventory(options.inventory);
  const validation = validateInventory(snapshot);
  if (hasErrors(validation.diagnostics)) return { failed: validation.diagnostics };
  const { state } = validation;
  const storePath = storePathFor(state, snapshot.rootDir, options.storePath);
  let store: Store;
  try {
    store = await openStore(storePath);
  } catch (error) {
    if (error instanceof StoreRefusedError) return { failed: [error.diagnostic] };
    throw error;
  }
  const drivers = options.drivers ?? DRIVERS;
  const connections = connectionSettingsOf(state);
  const secrets = { env: options.env, baseDir: snapshot.rootDir };
  const pool = new SshPool({ knownHostsPath: knownHostsPathFor(storePath), trustNewHosts: options.trustNewHosts });
  const ssh = sshTargets(connections, secrets);
  const snmp = snmpTargets(connections, secrets);
  const runners = new Map<string, CommandRunner>();
  const hostSubject = (target: SshTarget): ObservationSubject => {
    const server = connections.servers.get(target.name)!;
    const probes = drivers.map((d) => d.hostProbe?.(server, connections)).filter((p) => p !== undefined);
    return { source: 'host', host: { target, probes } };
  };
  return {
    session: {
      snapshot,
      state,
      connections,
      files: textFiles(snapshot),
      drivers,
      store,
      storePath,
      hosts: ssh.hosts,
      switches: [...connections.switches.values()].filter((s) => s.snmp).map((s) => s.name),
      inventoryWarnings: validation.diagnostics,
      setupDiagnostics: [...ssh.diagnostics, ...snmp.diagnostics],
      transportFor(target) {
        if (target.kind === 'service') {
          return { severity: 'error', code: 'APPLY_TARGET_UNKNOWN', summary: `no service "${target.name}" is configured` };
        }
        const ssh = this.hosts.get(target.name);
        if (!ssh) return { severity: 'error', code: 'APPLY_TARGET_UNKNOWN', summary: `host "${target.name}" has no SSH settings pytin can use`, address: `server/${target.name}` };
        let runner = runners.get(target.name);
        if (!runner) {
          runner = new SshCommandRunner(pool.host(ssh));
          runners.set(target.name, runner);
        }
        return { kind: 'host', runner };
      },
      observe(names, onResult) {
        const subjects: ObservationSubject[] = [
          ...snmp.devices.filter((d) => !names || names.has(d.name)).map((device) => ({ source: 'snmp' as const, device })),
          ...[...ssh.hosts.values()].filter((h) => !names || names.has(h.name)).map(hostSubject),
        ];
        return observeInventory(subjects, { store, pool, parallelism: options.parallelism, ...(onResult ? { onResult } : {}) });
      },
      async close() {
        await pool.close();
        await store.close();
      },
    },
  };
}
