import { formatBandwidth, parseBandwidth } from '../../../schemas/formats/units.js';
import type { Desired } from '../../model/desired-state.js';
import type { BandwidthLimitsSpec, ServerSpec } from '../../model/specs.js';
import type { ValuePath } from '../../parse/yaml-locate.js';
import type { RuleContext } from '../rule-context.js';

const LIMIT_FIELDS = ['inbound', 'outbound', 'inboundPeak', 'outboundPeak'] as const;

function checkLimits(
  context: RuleContext,
  resource: Desired,
  path: ValuePath,
  limits: BandwidthLimitsSpec | undefined,
  speed: number | undefined,
  what: string,
): void {
  if (!limits || speed === undefined) return;
  for (const field of LIMIT_FIELDS) {
    const text = limits[field];
    if (text === undefined) continue;
    const rate = parseBandwidth(text)!;
    if (rate > speed) {
      context.warning(
        'INV_RULE_BANDWIDTH_OVER_SPEED',
        `${field} limit ${text} exceeds ${what} (${formatBandwidth(speed)}); the link caps it anyway`,
        resource,
        [...path, field],
      );
    }
  }
}

/** Limits and link speeds are consistent (warnings: the inventory still works, but says something
 * it cannot deliver). */
export function bandwidth(context: RuleContext): void {
  // Memoised: it is asked once per VM for the VM's hypervisor, and a hypervisor may list many interfaces.
  const fastestByServer = new Map<Desired, number | undefined>();
  const fastestInterface = (server: Desired<ServerSpec>): number | undefined => {
    if (fastestByServer.has(server)) return fastestByServer.get(server);
    // A loop, not Math.max(...speeds): a spread of a very long list overflows the stack.
    let fastest: number | undefined;
    for (const iface of server.spec.interfaces ?? []) {
      const speed = iface.speed ? parseBandwidth(iface.speed) : undefined;
      if (speed !== undefined && (fastest === undefined || speed > fastest)) fastest = speed;
    }
    fastestByServer.set(server, fastest);
    return fastest;
  };
  for (const server of context.all('Server')) {
    server.spec.interfaces?.forEach((iface, i) => {
      if (!iface.speed || !iface.cabledTo) return;
      const switchResource = context.get('Switch', iface.cabledTo.switch);
      const port = switchResource ? context.portOf(switchResource, iface.cabledTo.port) : undefined;
      const portSpeed = port?.speed ? parseBandwidth(port.speed) : undefined;
      const speed = parseBandwidth(iface.speed)!;
      if (portSpeed !== undefined && speed > portSpeed) {
        context.warning(
          'INV_RULE_BANDWIDTH_OVER_SPEED',
          `interface speed ${iface.speed} exceeds the speed of switch port ${iface.cabledTo.switch}/${iface.cabledTo.port} (${port!.speed})`,
          server,
          ['interfaces', i, 'speed'],
        );
      }
    });
    const fastest = fastestInterface(server);
    server.spec.shaping?.limits?.forEach((limit, i) =>
      checkLimits(context, server, ['shaping', 'limits', i, 'bandwidth'], limit.bandwidth, fastest, `the fastest interface of server "${server.name}"`),
    );
  }
  for (const vm of context.all('VM')) {
    const hypervisor = context.get('Server', vm.spec.hypervisor);
    const fastest = hypervisor ? fastestInterface(hypervisor) : undefined;
    vm.spec.interfaces.forEach((iface, i) =>
      checkLimits(context, vm, ['interfaces', i, 'bandwidth'], iface.bandwidth, fastest, `the fastest interface of hypervisor "${vm.spec.hypervisor}"`),
    );
  }
}
