import { type Diagnostic, hasErrors } from '../../inventory/core/diagnostic.js';
import type { ConnectionSettings } from '../../inventory/model/connection-settings.js';
import type { DesiredState } from '../../inventory/model/desired-state.js';
import type { SourceLocator } from '../../inventory/parse/source-index.js';
import type { SecretPolicy } from '../../inventory/secrets/secret-policy.js';
import type { InventorySnapshot } from '../../inventory/source/inventory-snapshot.js';
import { type InventorySourceOptions, readInventory } from '../../inventory/source/read-inventory.js';
import { validateInventory } from '../../inventory/validate/validate-inventory.js';
import type { Driver, TargetTransport } from '../drivers/driver.js';
import { DRIVERS } from '../drivers/registry.js';
import { zabbixSubject } from '../drivers/zabbix/zabbix-settings.js';
import { type ObservationResult, type ObservationSubject, observeInventory } from '../observe/observe-inventory.js';
import type { ChangeTarget } from '../plan/change.js';
import { StoreRefusedError } from '../store/file/store-error.js';
import { openStore, type Store } from '../store/open-store.js';
import type { CommandRunner } from '../transports/command-runner.js';
import { SshCommandRunner } from '../transports/ssh/ssh-command-runner.js';
import { SshPool } from '../transports/ssh/ssh-pool.js';
import type { SshTarget } from '../transports/ssh/ssh-target.js';
import type { ZabbixClientOptions } from '../transports/zabbix/zabbix-client.js';
import { openInventoryCache } from './inventory-cache-file.js';
import type { OperatorConfig } from './operator-config.js';
import { snmpTargets } from './snmp-targets.js';
import { sshTargets } from './ssh-targets.js';
import { stateNotInGit, type StatePaths, statePaths } from './state-paths.js';
import { trustedConnections } from './trusted-connections.js';
import { observeZabbixEndpoint, zabbixEndpoint } from './zabbix-endpoint.js';

/** Plain options: what a CLI command or the server asks a session for. */
export interface SessionOptions {
  inventory: InventorySourceOptions;
  /** The operator's configuration (trusted: from outside git). */
  operator: OperatorConfig;
  /** The SQLite store, overriding the configuration's (--store). */
  storePath?: string;
  /** The environment `{env: NAME}` secrets are read from (only the names the operator allows). */
  env: NodeJS.ProcessEnv;
  /** Record the SSH host keys of hosts seen for the first time (a changed key is always refused). */
  trustNewHosts: boolean;
  /** Devices and hosts observed at once. */
  parallelism: number;
  /** The drivers to plan and apply with (default: the registry). */
  drivers?: readonly Driver[];
  /** Reuse the parse and schema results of earlier runs kept beside the store (`paths.inventoryCache`),
   * and keep this run's there. The results are the same either way. */
  inventoryCache?: boolean;
  /** Zabbix client hooks: told every API call (tests and benchmarks count them), objects a call. */
  zabbixClient?: Pick<ZabbixClientOptions, 'onCall' | 'batchSize'>;
}

/** The inventory at one revision, validated, with the store and the transports to reach what it
 * describes. Everything observe, plan and apply share. Close it in a finally. */
export interface Session {
  snapshot: InventorySnapshot;
  state: DesiredState;
  /** Where each value of the desired state was written (diagnostics that point at one field). */
  sources: SourceLocator;
  /** The trusted connection settings observe and apply use. */
  connections: ConnectionSettings;
  /** The inventory's non-YAML files as text, by path (kickstart templates). */
  files: ReadonlyMap<string, string>;
  drivers: readonly Driver[];
  store: Store;
  storePath: string;
  paths: StatePaths;
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

function textFiles(snapshot: InventorySnapshot): Map<string, string> {
  return new Map(snapshot.auxFiles.map((f) => [f.path, Buffer.from(f.bytes).toString('utf8')]));
}

export async function openSession(options: SessionOptions): Promise<SessionResult> {
  const snapshot = await readInventory(options.inventory);
  const paths = statePaths(options.operator, snapshot.rootDir, options.storePath);
  const cache = options.inventoryCache ? await openInventoryCache(paths, snapshot.rootDir) : undefined;
  const validation = validateInventory(snapshot, { cache });
  if (hasErrors(validation.diagnostics)) {
    cache?.save();
    return { failed: validation.diagnostics };
  }
  const { state } = validation;
  const inGit = await stateNotInGit(snapshot.rootDir, paths);
  if (inGit) return { failed: [inGit] };
  const trusted = await trustedConnections(state, options.inventory, options.operator.trustedRef, { cache });
  cache?.save();
  if ('failed' in trusted) return trusted;
  const { connections } = trusted;
  const storePath = paths.store;
  let store: Store;
  try {
    store = await openStore(storePath);
  } catch (error) {
    if (error instanceof StoreRefusedError) return { failed: [error.diagnostic] };
    throw error;
  }
  const drivers = options.drivers ?? DRIVERS;
  const secrets: SecretPolicy = {
    env: options.env,
    allowedEnv: options.operator.secrets.allowedEnv,
    dir: paths.secretsDir,
    maxFileBytes: options.operator.secrets.maxFileBytes,
    destinations: options.operator.secrets.destinations,
  };
  const pool = new SshPool({ knownHostsPath: paths.knownHosts, trustNewHosts: options.trustNewHosts });
  const ssh = sshTargets(connections, secrets);
  const snmp = snmpTargets(connections, secrets);
  // The Zabbix endpoint only when a driver that publishes there is in use (`pytin publish zabbix`
  // or the registry); its observation is a read of the API, its target a service.
  const zabbix = drivers.some((d) => d.name === 'zabbix')
    ? zabbixEndpoint(connections, secrets, store, options.zabbixClient)
    : { connector: undefined, diagnostics: [] };
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
      sources: validation.sources,
      connections,
      files: textFiles(snapshot),
      drivers,
      store,
      storePath,
      paths,
      hosts: ssh.hosts,
      switches: [...connections.switches.values()].filter((s) => s.snmp).map((s) => s.name),
      inventoryWarnings: [...validation.diagnostics, ...trusted.warnings],
      setupDiagnostics: [...ssh.diagnostics, ...snmp.diagnostics, ...zabbix.diagnostics],
      transportFor(target) {
        if (target.kind === 'service') {
          if (zabbix.connector && target.name === zabbix.connector.name) return { kind: 'service', endpoint: { name: target.name, client: zabbix.connector } };
          return { severity: 'error', code: 'APPLY_TARGET_UNKNOWN', summary: `no service "${target.name}" is configured` };
        }
        const host = ssh.hosts.get(target.name);
        if (!host)
          return {
            severity: 'error',
            code: 'APPLY_TARGET_UNKNOWN',
            summary: `host "${target.name}" has no SSH settings pytin can use`,
            address: `server/${target.name}`,
          };
        let runner = runners.get(target.name);
        if (!runner) {
          runner = new SshCommandRunner(pool.host(host));
          runners.set(target.name, runner);
        }
        return { kind: 'host', runner };
      },
      async observe(names, onResult) {
        const subjects: ObservationSubject[] = [
          ...snmp.devices.filter((d) => !names || names.has(d.name)).map((device) => ({ source: 'snmp' as const, device })),
          ...[...ssh.hosts.values()].filter((h) => !names || names.has(h.name)).map(hostSubject),
        ];
        const connector = zabbix.connector;
        const results = await observeInventory(subjects, { store, pool, parallelism: options.parallelism, ...(onResult ? { onResult } : {}) });
        if (connector && (!names || names.has(zabbixSubject(connector.name)))) {
          const result = await observeZabbixEndpoint(connector, state, connections, store);
          onResult?.(result);
          results.push(result);
        }
        return results;
      },
      async close() {
        await zabbix.connector?.close();
        await pool.close();
        await store.close();
      },
    },
  };
}
