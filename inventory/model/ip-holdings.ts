import type { Address } from '../core/address.js';
import type { ValuePath } from '../parse/yaml-locate.js';
import type { Desired } from './desired-state.js';
import type { DeviceSpec, IPPoolSpec, ServerSpec, SwitchSpec, VMSpec } from './specs.js';

/** One place where an address is written, before any checking. */
export interface WrittenAddress {
  text: string;
  /** `vm/web-01/eth0`, `server/hv-01/eno1`, `pool/p/reservation`, `server/x/shaping`, `switch/sw-1/mgmt`. */
  holder: Address;
  resource: Desired;
  path: ValuePath;
  /** The datacenter the address must be routed in, when known. */
  datacenter: string | undefined;
  /** The VRF the holder names for it (absent: found from the pools that contain it). */
  vrf?: string;
  /** A reservation must lie in this very pool. */
  pool?: string;
}

interface Sources {
  vms: ReadonlyArray<Desired<VMSpec>>;
  servers: ReadonlyArray<Desired<ServerSpec>>;
  pools: ReadonlyArray<Desired<IPPoolSpec>>;
  /** Switches, routers and other racked devices holding their own (management, loopback) addresses. */
  racked: ReadonlyArray<Desired<SwitchSpec | DeviceSpec>>;
  rackedDatacenter(device: Desired<SwitchSpec | DeviceSpec>): string | undefined;
  vmDatacenter(vm: Desired<VMSpec>): string | undefined;
  serverDatacenter(server: Desired<ServerSpec>): string | undefined;
}

const vrfOf = (holder: { vrf?: string }): { vrf?: string } => (holder.vrf === undefined ? {} : { vrf: holder.vrf });

/** Every address the inventory writes down, in document order. */
export function writtenAddresses(sources: Sources): WrittenAddress[] {
  const out: WrittenAddress[] = [];
  for (const server of sources.servers) {
    const datacenter = sources.serverDatacenter(server);
    server.spec.interfaces?.forEach((iface, i) =>
      iface.ips?.forEach((text, j) =>
        out.push({ text, holder: `${server.address}/${iface.name}`, resource: server, path: ['interfaces', i, 'ips', j], datacenter, ...vrfOf(iface) }),
      ),
    );
    server.spec.shaping?.limits?.forEach((limit, i) =>
      out.push({ text: limit.ip, holder: `${server.address}/shaping`, resource: server, path: ['shaping', 'limits', i, 'ip'], datacenter, ...vrfOf(limit) }),
    );
  }
  for (const device of sources.racked) {
    const datacenter = sources.rackedDatacenter(device);
    device.spec.addresses?.forEach((held, i) =>
      out.push({ text: held.ip, holder: `${device.address}/${held.name}`, resource: device, path: ['addresses', i, 'ip'], datacenter, ...vrfOf(held) }),
    );
  }
  for (const vm of sources.vms) {
    const datacenter = sources.vmDatacenter(vm);
    vm.spec.interfaces.forEach((iface, i) =>
      iface.ips?.forEach((text, j) =>
        out.push({ text, holder: `${vm.address}/${iface.name}`, resource: vm, path: ['interfaces', i, 'ips', j], datacenter, ...vrfOf(iface) }),
      ),
    );
  }
  for (const pool of sources.pools) {
    pool.spec.reservations?.forEach((reservation, i) =>
      out.push({
        text: reservation.ip,
        holder: `${pool.address}/reservation`,
        resource: pool,
        path: ['reservations', i, 'ip'],
        datacenter: undefined, // the pool itself decides, whatever datacenters it is routed in
        pool: pool.name,
      }),
    );
  }
  return out;
}
