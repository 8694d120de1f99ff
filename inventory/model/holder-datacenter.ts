import type { Desired } from './desired-state.js';
import type { RackSpec, ServerSpec, VMSpec } from './specs.js';

export interface PlacementLookup {
  rack(name: string): Desired<RackSpec> | undefined;
  server(name: string): Desired<ServerSpec> | undefined;
}

/** The datacenter of a server: through its rack. */
export function serverDatacenter(lookup: PlacementLookup, server: Desired<ServerSpec>): string | undefined {
  return lookup.rack(server.spec.placement.rack)?.spec.datacenter;
}

/** The datacenter of a VM: through its hypervisor's rack. */
export function vmDatacenter(lookup: PlacementLookup, vm: Desired<VMSpec>): string | undefined {
  const hypervisor = lookup.server(vm.spec.hypervisor);
  return hypervisor ? serverDatacenter(lookup, hypervisor) : undefined;
}
