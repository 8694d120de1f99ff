import type { DesiredState } from '../../../../inventory/model/desired-state.js';
import type { IPPoolSpec, TenantSpec, VMSpec } from '../../../../inventory/model/specs.js';
import { parseCidr, parseIp } from '../../../../schemas/formats/ip.js';
import type { KickstartValues } from './kickstart.js';

/** Dotted netmask of an IPv4 prefix length: 24 -> 255.255.255.0. */
export function netmaskOf(prefixLength: number): string {
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (mask >>> shift) & 255).join('.');
}

/** The kickstart values of a VM: its first IPv4 address (interfaces and addresses in inventory
 * order), the netmask, gateway and DNS of that address's pool, its name as hostname and its
 * tenant's SSH keys. */
export function kickstartValues(vm: VMSpec, state: DesiredState): KickstartValues {
  const ip = vm.interfaces.flatMap((i) => i.ips ?? []).find((text) => parseIp(text)?.version === 4) ?? null;
  const poolName = ip ? state.ipHoldings.get(ip)?.pool : undefined;
  const pool = poolName ? (state.resources.get(`pool/${poolName}`)?.spec as IPPoolSpec | undefined) : undefined;
  const prefix = pool ? parseCidr(pool.cidr)?.prefixLength : undefined;
  const dns = (pool?.dns ?? []).filter((d) => parseIp(d)?.version === 4);
  const tenant = state.resources.get(`tenant/${vm.tenant}`)?.spec as TenantSpec | undefined;
  return {
    ip,
    netmask: prefix === undefined ? null : netmaskOf(prefix),
    gateway: pool?.gateway ?? null,
    dns: dns.length > 0 ? dns.join(',') : null,
    hostname: vm.name,
    sshKeys: tenant?.sshKeys ?? [],
  };
}
