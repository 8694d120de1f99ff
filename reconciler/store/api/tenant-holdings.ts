import type { BandwidthLimitsSpec } from '../../../inventory/model/specs.js';
import type { AppliedModel, HeldAddress } from './applied-model.js';

/** A bandwidth limit a tenant is billed for: on one of its VMs' interfaces, or per address on a
 * shared host. */
export interface TenantLimit {
  /** `vm/web-01/eth0` or `server/backup-01/shaping/203.0.113.20`. */
  on: string;
  bandwidth: BandwidthLimitsSpec;
}

/** What a tenant holds at one commit. */
export interface TenantHoldings {
  vms: string[];
  addresses: HeldAddress[];
  limits: TenantLimit[];
  /** Backup policies on the tenant's VMs, or labelled `tenant: NAME`. */
  backups: string[];
}

/** The one place that decides what belongs to a tenant, derived from today's model: VMs by their
 * `tenant`, addresses by their holder (a VM's, a reservation's or a shaping limit's tenant),
 * limits by the VM or shaping limit, backup policies by their host VM or a `tenant` label. When
 * the inventory learns tenants on servers, racks and pools (issue 10), this function is the one
 * to swap. */
export function tenantHoldings(model: AppliedModel, tenant: string): TenantHoldings {
  const vms = [...model.vms].filter(([, vm]) => vm.tenant === tenant).map(([name]) => name);
  const vmSet = new Set(vms);
  const limits: TenantLimit[] = [];
  for (const name of vms) {
    for (const iface of model.vms.get(name)!.interfaces) if (iface.bandwidth) limits.push({ on: `vm/${name}/${iface.name}`, bandwidth: iface.bandwidth });
  }
  for (const [server, spec] of model.servers) {
    for (const limit of spec.shaping?.limits ?? [])
      if (limit.tenant === tenant) limits.push({ on: `server/${server}/shaping/${limit.ip}`, bandwidth: limit.bandwidth });
  }
  const backups = [...model.backupPolicies].filter(([, p]) => vmSet.has(p.host) || p.labels?.tenant === tenant).map(([name]) => name);
  return { vms, addresses: model.held.filter((h) => h.tenant === tenant), limits, backups };
}
