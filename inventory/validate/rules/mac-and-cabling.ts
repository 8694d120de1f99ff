import { normaliseMac } from '../../../schemas/formats/mac.js';
import { assertNever } from '../../core/errors.js';
import type { Desired } from '../../model/desired-state.js';
import type { ServerSpec, SwitchSpec, VMSpec } from '../../model/specs.js';
import type { ValuePath } from '../../parse/yaml-locate.js';
import type { RuleContext } from '../rule-context.js';

/** Where a MAC or a cable end was written: a resource and the index of its interface (or uplink).
 * The value's path and the holder's description are derived only for a message, so checking the
 * ~20,000 MACs of a large inventory allocates one small record each (issue 14). */
interface Place {
  resource: Desired;
  index: number;
  role: 'interface-mac' | 'interface-cable' | 'uplink-port' | 'uplink-end';
}

function pathOf(place: Place): ValuePath {
  switch (place.role) {
    case 'interface-mac':
      return ['interfaces', place.index, 'mac'];
    case 'interface-cable':
      return ['interfaces', place.index, 'cabledTo'];
    case 'uplink-port':
      return ['uplinks', place.index, 'port'];
    case 'uplink-end':
      return ['uplinks', place.index, 'to'];
    default:
      return assertNever(place.role, 'place role');
  }
}

/** The holder as messages name it: `server/a/eth0`, `vm/b/eth0`, a switch's uplink. */
function whatOf(place: Place): string {
  const { resource, index } = place;
  switch (place.role) {
    case 'interface-mac':
    case 'interface-cable': {
      const spec = resource.spec as ServerSpec | VMSpec;
      return `${resource.address}/${spec.interfaces![index]!.name}`;
    }
    case 'uplink-port': {
      const uplink = (resource.spec as SwitchSpec).uplinks![index]!;
      return `${resource.address} uplink to ${uplink.to.switch}/${uplink.to.port}`;
    }
    case 'uplink-end':
      return `${resource.address}/${(resource.spec as SwitchSpec).uplinks![index]!.port}`;
    default:
      return assertNever(place.role, 'place role');
  }
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
        `MAC ${normal} is already used by ${whatOf(earlier)} (${context.where(earlier.resource, pathOf(earlier))})`,
        place.resource,
        pathOf(place),
      );
    else macs.set(normal, place);
  };
  const claimPort = (switchName: string, port: string, place: Place) => {
    const key = `${switchName}\u0000${port}`;
    const earlier = ports.get(key);
    if (earlier) {
      context.error(
        'INV_RULE_PORT_CABLED_TWICE',
        `port "${port}" of switch "${switchName}" is already cabled to ${whatOf(earlier)} (${context.where(earlier.resource, pathOf(earlier))})`,
        place.resource,
        pathOf(place),
      );
    } else ports.set(key, place);
  };
  for (const server of context.all('Server')) {
    server.spec.interfaces?.forEach((iface, i) => {
      claimMac(iface.mac, { resource: server, index: i, role: 'interface-mac' });
      if (iface.cabledTo) claimPort(iface.cabledTo.switch, iface.cabledTo.port, { resource: server, index: i, role: 'interface-cable' });
    });
  }
  for (const sw of context.all('Switch')) {
    sw.spec.uplinks?.forEach((uplink, i) => {
      claimPort(sw.name, uplink.port, { resource: sw, index: i, role: 'uplink-port' });
      claimPort(uplink.to.switch, uplink.to.port, { resource: sw, index: i, role: 'uplink-end' });
    });
  }
  for (const vm of context.all('VM')) {
    vm.spec.interfaces.forEach((iface, i) => claimMac(iface.mac, { resource: vm, index: i, role: 'interface-mac' }));
  }
}
