import type { Kind } from '../../../schemas/kinds.js';
import type { Desired } from '../../model/desired-state.js';
import type { ValuePath } from '../../parse/yaml-locate.js';
import type { RuleContext } from '../rule-context.js';

/** Reports a reference to a resource that does not exist; a resource that exists but failed its
 * schema was already reported, so it is not reported again. Returns the target when it exists. */
function resolve<K extends Kind>(context: RuleContext, from: Desired, path: ValuePath, kind: K, name: string | undefined) {
  if (name === undefined) return undefined;
  const target = context.get(kind, name);
  if (!target && !context.isDeclared(kind, name)) {
    context.error('INV_RULE_UNKNOWN_REFERENCE', `${kind} "${name}" does not exist`, from, path);
  }
  return target;
}

function checkCabling(context: RuleContext, from: Desired, path: ValuePath, cabling: { switch: string; port: string } | undefined): void {
  if (!cabling) return;
  const target = resolve(context, from, [...path, 'switch'], 'Switch', cabling.switch);
  if (target && !context.portOf(target, cabling.port)) {
    context.error(
      'INV_RULE_UNKNOWN_REFERENCE',
      `switch "${cabling.switch}" has no port "${cabling.port}"`,
      from,
      [...path, 'port'],
      `Declared ports: ${target.spec.ports
        .slice(0, 20)
        .map((p) => p.name)
        .join(', ')}${target.spec.ports.length > 20 ? ', ...' : ''}.`,
    );
  }
}

/** Every reference resolves: rack -> datacenter, device -> rack, tenant of a server, rack, rack
 * reservation, pool, VRF or device -> tenant, pool -> its datacenters, VRF and aggregate, every vrf
 * field -> VRF, snmp.address -> a held address, cabling -> switch port, VM ->
 * hypervisor and tenant, policy -> host, settings references. */
export function references(context: RuleContext): void {
  for (const rack of context.all('Rack')) {
    resolve(context, rack, ['datacenter'], 'Datacenter', rack.spec.datacenter);
    resolve(context, rack, ['tenant'], 'Tenant', rack.spec.tenant);
    rack.spec.reservations?.forEach((r, i) => resolve(context, rack, ['reservations', i, 'tenant'], 'Tenant', r.tenant));
  }
  for (const device of context.all('Device')) {
    resolve(context, device, ['placement', 'rack'], 'Rack', device.spec.placement.rack);
    resolve(context, device, ['tenant'], 'Tenant', device.spec.tenant);
  }
  for (const pool of context.all('IPPool')) {
    resolve(context, pool, ['datacenter'], 'Datacenter', pool.spec.datacenter);
    pool.spec.datacenters?.forEach((name, i) => resolve(context, pool, ['datacenters', i], 'Datacenter', name));
    resolve(context, pool, ['vrf'], 'VRF', pool.spec.vrf);
    resolve(context, pool, ['tenant'], 'Tenant', pool.spec.tenant);
    resolve(context, pool, ['routed', 'server'], 'Server', pool.spec.routed?.server);
    resolve(context, pool, ['aggregate'], 'Aggregate', pool.spec.aggregate);
    pool.spec.reservations?.forEach((r, i) => resolve(context, pool, ['reservations', i, 'tenant'], 'Tenant', r.tenant));
  }
  for (const sw of context.all('Switch')) {
    resolve(context, sw, ['placement', 'rack'], 'Rack', sw.spec.placement.rack);
    resolve(context, sw, ['snmp', 'credentials'], 'SnmpCredentials', sw.spec.snmp?.credentials);
    resolve(context, sw, ['snmp', 'vrf'], 'VRF', sw.spec.snmp?.vrf);
    const snmpAddress = sw.spec.snmp?.address;
    if (snmpAddress !== undefined && !sw.spec.addresses?.some((a) => a.name === snmpAddress)) {
      context.error(
        'INV_RULE_UNKNOWN_REFERENCE',
        `switch "${sw.name}" holds no address named "${snmpAddress}"`,
        sw,
        ['snmp', 'address'],
        `Held addresses: ${(sw.spec.addresses ?? []).map((a) => a.name).join(', ') || 'none'}.`,
      );
    }
    sw.spec.uplinks?.forEach((uplink, i) => {
      if (!context.portOf(sw, uplink.port)) {
        context.error('INV_RULE_UNKNOWN_REFERENCE', `switch "${sw.name}" has no port "${uplink.port}"`, sw, ['uplinks', i, 'port']);
      }
      checkCabling(context, sw, ['uplinks', i, 'to'], uplink.to);
    });
  }
  for (const server of context.all('Server')) {
    resolve(context, server, ['placement', 'rack'], 'Rack', server.spec.placement.rack);
    resolve(context, server, ['tenant'], 'Tenant', server.spec.tenant);
    resolve(context, server, ['ssh', 'endpoint'], 'SshEndpoint', server.spec.ssh?.endpoint);
    server.spec.interfaces?.forEach((iface, i) => {
      checkCabling(context, server, ['interfaces', i, 'cabledTo'], iface.cabledTo);
      resolve(context, server, ['interfaces', i, 'vrf'], 'VRF', iface.vrf);
    });
    server.spec.shaping?.limits?.forEach((limit, i) => {
      resolve(context, server, ['shaping', 'limits', i, 'tenant'], 'Tenant', limit.tenant);
      resolve(context, server, ['shaping', 'limits', i, 'vrf'], 'VRF', limit.vrf);
    });
    if (server.spec.shaping && !server.spec.roles?.includes('shared-host')) {
      context.error(
        'INV_RULE_WRONG_ROLE',
        `server "${server.name}" has shaping but not the shared-host role`,
        server,
        ['shaping'],
        'Add shared-host to roles, or remove shaping.',
      );
    }
  }
  for (const vm of context.all('VM')) {
    resolve(context, vm, ['tenant'], 'Tenant', vm.spec.tenant);
    vm.spec.interfaces.forEach((iface, i) => resolve(context, vm, ['interfaces', i, 'vrf'], 'VRF', iface.vrf));
    const hypervisor = resolve(context, vm, ['hypervisor'], 'Server', vm.spec.hypervisor);
    if (hypervisor && !hypervisor.spec.roles?.includes('hypervisor')) {
      context.error(
        'INV_RULE_WRONG_ROLE',
        `server "${hypervisor.name}" does not have the hypervisor role`,
        vm,
        ['hypervisor'],
        `Add "hypervisor" to the roles of server "${hypervisor.name}" (${context.where(hypervisor, ['name'])}), or place the VM on a hypervisor.`,
      );
    }
    const seen = new Set<string>();
    vm.spec.interfaces.forEach((iface, i) => {
      if (seen.has(iface.name))
        context.error('INV_RULE_DUPLICATE_NAME', `interface "${iface.name}" is defined twice in VM "${vm.name}"`, vm, ['interfaces', i, 'name']);
      seen.add(iface.name);
    });
    const disks = new Set<string>();
    vm.spec.disks.forEach((disk, i) => {
      if (disks.has(disk.name)) context.error('INV_RULE_DUPLICATE_NAME', `disk "${disk.name}" is defined twice in VM "${vm.name}"`, vm, ['disks', i, 'name']);
      disks.add(disk.name);
    });
  }
  for (const server of context.all('Server')) {
    const seen = new Set<string>();
    server.spec.interfaces?.forEach((iface, i) => {
      if (seen.has(iface.name))
        context.error('INV_RULE_DUPLICATE_NAME', `interface "${iface.name}" is defined twice in server "${server.name}"`, server, ['interfaces', i, 'name']);
      seen.add(iface.name);
    });
  }
  for (const sw of context.all('Switch')) {
    const seen = new Set<string>();
    sw.spec.ports.forEach((port, i) => {
      if (seen.has(port.name))
        context.error('INV_RULE_DUPLICATE_NAME', `port "${port.name}" is declared twice on switch "${sw.name}"`, sw, ['ports', i, 'name']);
      seen.add(port.name);
    });
  }
  for (const holder of [...context.all('Switch'), ...context.all('Device')]) {
    const seen = new Set<string>();
    (holder.spec.addresses ?? []).forEach((held, i) => {
      resolve(context, holder, ['addresses', i, 'vrf'], 'VRF', held.vrf);
      if (seen.has(held.name))
        context.error('INV_RULE_DUPLICATE_NAME', `address "${held.name}" is defined twice in ${holder.address}`, holder, ['addresses', i, 'name']);
      seen.add(held.name);
    });
  }
  for (const policy of context.all('BackupPolicy')) resolve(context, policy, ['host'], 'Server', policy.spec.host);
  for (const aggregate of context.all('Aggregate')) resolve(context, aggregate, ['vrf'], 'VRF', aggregate.spec.vrf);
  for (const vrf of context.all('VRF')) resolve(context, vrf, ['tenant'], 'Tenant', vrf.spec.tenant);
}
