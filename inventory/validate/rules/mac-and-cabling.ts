import { normaliseMac } from '../../../schemas/formats/mac.js';
import type { Desired } from '../../model/desired-state.js';
import type { ValuePath } from '../../parse/yaml-locate.js';
import type { RuleContext } from '../rule-context.js';

interface Place {
  resource: Desired;
  path: ValuePath;
  what: string;
}

/** MAC addresses are unique (in any notation); a switch port is cabled to at most one interface. */
export function macAndCabling(context: RuleContext): void {
  const macs = new Map<string, Place>();
  const ports = new Map<string, Place>();
  const claimMac = (mac: string | undefined, place: Place) => {
    if (mac === undefined) return;
    const normal = normaliseMac(mac)!;
    const earlier = macs.get(normal);
    if (earlier)
      context.error(
        'INV_RULE_MAC_DUPLICATE',
        `MAC ${normal} is already used by ${earlier.what} (${context.where(earlier.resource, earlier.path)})`,
        place.resource,
        place.path,
      );
    else macs.set(normal, place);
  };
  const claimPort = (switchName: string, port: string, place: Place) => {
    const key = `${switchName}\u0000${port}`;
    const earlier = ports.get(key);
    if (earlier) {
      context.error(
        'INV_RULE_PORT_CABLED_TWICE',
        `port "${port}" of switch "${switchName}" is already cabled to ${earlier.what} (${context.where(earlier.resource, earlier.path)})`,
        place.resource,
        place.path,
      );
    } else ports.set(key, place);
  };
  for (const server of context.all('Server')) {
    server.spec.interfaces?.forEach((iface, i) => {
      const what = `${server.address}/${iface.name}`;
      claimMac(iface.mac, { resource: server, path: ['interfaces', i, 'mac'], what });
      if (iface.cabledTo) claimPort(iface.cabledTo.switch, iface.cabledTo.port, { resource: server, path: ['interfaces', i, 'cabledTo'], what });
    });
  }
  for (const sw of context.all('Switch')) {
    sw.spec.uplinks?.forEach((uplink, i) => {
      const what = `${sw.address}/${uplink.port}`;
      claimPort(sw.name, uplink.port, { resource: sw, path: ['uplinks', i, 'port'], what: `${sw.address} uplink to ${uplink.to.switch}/${uplink.to.port}` });
      claimPort(uplink.to.switch, uplink.to.port, { resource: sw, path: ['uplinks', i, 'to'], what });
    });
  }
  for (const vm of context.all('VM')) {
    vm.spec.interfaces.forEach((iface, i) => claimMac(iface.mac, { resource: vm, path: ['interfaces', i, 'mac'], what: `${vm.address}/${iface.name}` }));
  }
}
