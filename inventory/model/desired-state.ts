import type { Address } from '../core/address.js';
import type { SourceRange } from '../core/source-range.js';
import type { ValuePath } from '../parse/yaml-locate.js';
import type { InventoryRevision } from '../source/inventory-snapshot.js';
import type { ResourceSpec } from './specs.js';

/** Where a resource was written: enough to find any of its values again (see SourceIndex). */
export interface DocumentOrigin {
  file: string;
  documentIndex: number;
}

/** One resource of the desired state: its spec (defaults filled in) and where it was written. */
export interface Desired<S extends ResourceSpec = ResourceSpec> {
  address: Address;
  kind: S['kind'];
  name: string;
  spec: S;
  /** The whole document. */
  source: SourceRange;
  origin: DocumentOrigin;
}

/** Who holds an IP address, and where that was written. */
export interface IpHolding {
  /** Canonical address text. */
  ip: string;
  /** `vm/web-01/eth0`, `server/hv-01/eno1`, `pool/msk1-public` (a reservation), `server/x/shaping` or a
   * device's own address, `switch/sw-r01/mgmt`. */
  holder: Address;
  /** The resource that wrote it (`vm/web-01`). */
  resource: Address;
  pool: string | undefined;
  /** The VRF the address is routed in (its pool's); undefined: the global table. */
  vrf: string | undefined;
  path: ValuePath;
  origin: DocumentOrigin;
}

export interface DesiredState {
  revision: InventoryRevision;
  resources: Map<Address, Desired>;
  /** Every address held anywhere in the inventory, by canonical address text in the global table
   * and `ADDRESS%VRF` in a VRF (vrf-scoped-ip.ts): an address is held once per routing table. */
  ipHoldings: Map<string, IpHolding>;
}

export function resourcesOfKind<S extends ResourceSpec>(state: DesiredState, kind: S['kind']): Array<Desired<S>> {
  const out: Array<Desired<S>> = [];
  for (const resource of state.resources.values()) if (resource.kind === kind) out.push(resource as Desired<S>);
  return out;
}
