import { type DesiredState, resourcesOfKind } from '../../inventory/model/desired-state.js';
import type { ServerSpec, TenantSpec, VMSpec } from '../../inventory/model/specs.js';

/** One interface whose traffic a usage report can count. */
export interface UsageMember {
  /** `server/hv-01/eno1` or `vm/web-01/eth0`. */
  subject: string;
  kind: 'server-port' | 'vm-interface';
  /** The server or VM it belongs to. */
  owner: string;
  tenant: string | null;
  /** The switch port whose SNMP counters measure it (as the switch sees it: in = received from
   * the server), or null when nothing pytin observes samples it (see README.md). */
  counters: { device: string; port: string } | null;
}

/** Who is billed for which interface, as one revision of the desired state says. */
export interface UsageAttribution {
  tenants: readonly string[];
  vms: readonly string[];
  servers: readonly string[];
  members: readonly UsageMember[];
}

/** The label that dedicates a server (and so its switch ports) to a tenant. */
export const TENANT_LABEL = 'tenant';

/** Reads the attribution from the desired state. Server ports are measured at the switch port
 * they are cabled to; a server belongs to a tenant when its `labels.tenant` names one (a
 * dedicated server). VM interfaces are listed without counters: observation does not sample the
 * hypervisor's tap interfaces yet, and a hypervisor's switch port carries every guest at once. */
export function usageAttribution(state: DesiredState): UsageAttribution {
  return attributionOf(
    resourcesOfKind<TenantSpec>(state, 'Tenant').map((t) => t.name),
    resourcesOfKind<ServerSpec>(state, 'Server'),
    resourcesOfKind<VMSpec>(state, 'VM'),
  );
}

/** The same from named specs (the API reads an applied commit's specs, not a DesiredState). */
export function attributionOf(
  tenants: readonly string[],
  servers: ReadonlyArray<{ name: string; spec: ServerSpec }>,
  vms: ReadonlyArray<{ name: string; spec: VMSpec }>,
): UsageAttribution {
  const known = new Set(tenants);
  const members: UsageMember[] = [];
  for (const server of servers) {
    // A dedicated server's `tenant` (its rented ports are that tenant's); the older convention of a
    // `labels.tenant` still counts where the field is not set.
    const named = server.spec.tenant ?? server.spec.labels?.[TENANT_LABEL];
    const tenant = named !== undefined && known.has(named) ? named : null;
    for (const iface of server.spec.interfaces ?? []) {
      if (!iface.cabledTo) continue;
      members.push({
        subject: `server/${server.name}/${iface.name}`,
        kind: 'server-port',
        owner: server.name,
        tenant,
        counters: { device: iface.cabledTo.switch, port: iface.cabledTo.port },
      });
    }
  }
  for (const vm of vms) {
    for (const iface of vm.spec.interfaces) {
      members.push({ subject: `vm/${vm.name}/${iface.name}`, kind: 'vm-interface', owner: vm.name, tenant: vm.spec.tenant, counters: null });
    }
  }
  return { tenants, vms: vms.map((v) => v.name), servers: servers.map((s) => s.name), members };
}
