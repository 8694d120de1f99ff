import type { Address } from '../core/address.js';
import type { InventoryRevision } from '../source/inventory-snapshot.js';
import { type Desired, type DesiredState, resourcesOfKind } from './desired-state.js';
import type { ServerSpec, SnmpCredentialsSpec, SshEndpointSpec, SwitchSpec } from './specs.js';

/** How pytin reaches one server, and what it runs there: connection settings, never desired state. */
export interface ServerConnection {
  name: string;
  address: Address;
  roles: readonly string[];
  ssh: NonNullable<ServerSpec['ssh']> | undefined;
  /** libvirt connection URI (servers with a libvirt section). */
  libvirtUri: string | undefined;
  /** How pytin's backup engine runs there (absent: the defaults). */
  backupAgent: ServerSpec['backupAgent'];
}

export interface SwitchConnection {
  name: string;
  address: Address;
  snmp: SwitchSpec['snmp'];
}

/** The settings observe, `plan --refresh` and apply connect with, and every host-side path and
 * program they use (libvirt URI, backup agent). Invariant: they come from a TRUSTED inventory —
 * the operator's protected ref, or the revision being planned when the operator trusts it — and
 * never from a branch under review: a branch only proposes desired state (see the README's threat
 * model). `state` is that trusted inventory: what to observe on each host is read from it too. */
export interface ConnectionSettings {
  revision: InventoryRevision;
  state: DesiredState;
  servers: ReadonlyMap<string, ServerConnection>;
  switches: ReadonlyMap<string, SwitchConnection>;
  sshEndpoints: ReadonlyMap<string, Desired<SshEndpointSpec>>;
  snmpCredentials: ReadonlyMap<string, Desired<SnmpCredentialsSpec>>;
}

export function connectionSettingsOf(state: DesiredState): ConnectionSettings {
  const byName = <T extends { name: string }>(items: T[]) => new Map(items.map((i) => [i.name, i]));
  return {
    revision: state.revision,
    state,
    servers: byName(
      resourcesOfKind<ServerSpec>(state, 'Server').map((s) => ({
        name: s.name,
        address: s.address,
        roles: s.spec.roles ?? [],
        ssh: s.spec.ssh,
        libvirtUri: s.spec.libvirt?.uri,
        backupAgent: s.spec.backupAgent,
      })),
    ),
    switches: byName(resourcesOfKind<SwitchSpec>(state, 'Switch').map((s) => ({ name: s.name, address: s.address, snmp: s.spec.snmp }))),
    sshEndpoints: byName(resourcesOfKind<SshEndpointSpec>(state, 'SshEndpoint')),
    snmpCredentials: byName(resourcesOfKind<SnmpCredentialsSpec>(state, 'SnmpCredentials')),
  };
}
