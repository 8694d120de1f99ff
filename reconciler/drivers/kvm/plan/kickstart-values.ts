import type { DesiredState, IpHolding } from '../../../../inventory/model/desired-state.js';
import type { IPPoolSpec, TenantSpec, VMSpec } from '../../../../inventory/model/specs.js';
import { vrfScopedIp } from '../../../../inventory/model/vrf-scoped-ip.js';
import { canonicalIp, parseCidr, parseIp } from '../../../../schemas/formats/ip.js';
import type { KickstartValues } from './kickstart.js';

/** Dotted netmask of an IPv4 prefix length: 24 -> 255.255.255.0. */
export function netmaskOf(prefixLength: number): string {
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (mask >>> shift) & 255).join('.');
}

/** The holding of an address by a holder: found by key in the routing table the interface names
 * (or the global table); an address of a VRF whose interface names none is found by a scan. */
function holdingOf(state: DesiredState, holder: string, ip: string, vrf: string | undefined): IpHolding | undefined {
  const direct = state.ipHoldings.get(vrfScopedIp(ip, vrf));
  if (direct?.holder === holder) return direct;
  for (const holding of state.ipHoldings.values()) if (holding.holder === holder && holding.ip === ip) return holding;
  return undefined;
}

/** The kickstart values of a VM: its first IPv4 address (interfaces and addresses in inventory
 * order), the netmask, gateway and DNS of that address's pool, its name as hostname and its
 * tenant's SSH keys. */
export function kickstartValues(vm: VMSpec, state: DesiredState): KickstartValues {
  const iface = vm.interfaces.find((i) => (i.ips ?? []).some((text) => parseIp(text)?.version === 4));
  const ip = iface?.ips?.find((text) => parseIp(text)?.version === 4) ?? null;
  const poolName = iface && ip ? holdingOf(state, `vm/${vm.name}/${iface.name}`, canonicalIp(ip) ?? ip, iface.vrf)?.pool : undefined;
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
