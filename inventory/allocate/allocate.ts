import { type Diagnostic, hasErrors } from '../core/diagnostic.js';
import { formatSourceRange } from '../core/source-range.js';
import type { Desired } from '../model/desired-state.js';
import { serverDatacenter, vmDatacenter } from '../model/holder-datacenter.js';
import { describePoolDatacenters, poolServesDatacenter } from '../model/pool-datacenters.js';
import { poolLayout } from '../model/pool-layout.js';
import type { IPPoolSpec, RackSpec, ServerSpec, VMSpec } from '../model/specs.js';
import { vrfScopedIp } from '../model/vrf-scoped-ip.js';
import type { InventorySnapshot } from '../source/inventory-snapshot.js';
import { validateInventory, type ValidationResult } from '../validate/validate-inventory.js';
import { lowestFreeAddresses } from './free-addresses.js';
import { insertAddresses } from './insert-addresses.js';

export interface AllocationRequest {
  pool: string;
  count: number;
  /** `vm/NAME[/INTERFACE]` or `server/NAME[/INTERFACE]`. */
  to: string;
  /** Addresses recently seen answering on the network (from observed facts); never handed out. */
  seenInUse?: ReadonlySet<string>;
}

export interface Allocation {
  addresses: string[];
  holder: string;
  pool: string;
  /** The pool's VRF (undefined: the global table). */
  vrf: string | undefined;
  /** The file changed (relative to the inventory root) and its new text. */
  file: string;
  text: string;
  /** Where the addresses were written, for the message. */
  at: string;
}

function fail(code: string, summary: string, detail?: string): { diagnostics: Diagnostic[] } {
  return { diagnostics: [{ severity: 'error', code, summary, ...(detail ? { detail } : {}) }] };
}

/** Chooses free addresses and computes the edited file. Writes nothing: the caller writes the
 * file only when this returns an allocation, so a refused allocation touches no file. */
export function planAllocation(
  snapshot: InventorySnapshot,
  request: AllocationRequest,
  validation: ValidationResult = validateInventory(snapshot),
): Allocation | { diagnostics: Diagnostic[] } {
  if (hasErrors(validation.diagnostics)) {
    return {
      diagnostics: [
        { severity: 'error', code: 'INV_ALLOC_INVALID_INVENTORY', summary: 'the inventory has errors; fix them before allocating' },
        ...validation.diagnostics,
      ],
    };
  }
  const { state } = validation;
  const [prefix, name, interfaceName, ...rest] = request.to.split('/');
  if ((prefix !== 'vm' && prefix !== 'server') || !name || rest.length > 0) {
    return fail('INV_ALLOC_UNKNOWN_HOLDER', `--to must be vm/NAME[/INTERFACE] or server/NAME[/INTERFACE], got "${request.to}"`);
  }
  const holder = state.resources.get(`${prefix}/${name}`) as Desired<VMSpec> | Desired<ServerSpec> | undefined;
  if (!holder) return fail('INV_ALLOC_UNKNOWN_HOLDER', `${prefix}/${name} does not exist`);
  const interfaces = holder.spec.interfaces ?? [];
  const index = interfaceName === undefined ? (interfaces.length === 1 ? 0 : -1) : interfaces.findIndex((i) => i.name === interfaceName);
  if (index < 0) {
    const names = interfaces.map((i) => i.name).join(', ') || 'none';
    return interfaceName === undefined
      ? fail('INV_ALLOC_AMBIGUOUS_INTERFACE', `${holder.address} has ${interfaces.length} interfaces (${names}); name one: --to ${holder.address}/INTERFACE`)
      : fail('INV_ALLOC_UNKNOWN_HOLDER', `${holder.address} has no interface "${interfaceName}" (it has: ${names})`);
  }
  const poolResource = state.resources.get(`pool/${request.pool}`) as Desired<IPPoolSpec> | undefined;
  if (!poolResource) return fail('INV_ALLOC_UNKNOWN_POOL', `pool "${request.pool}" does not exist`);
  const lookup = {
    rack: (n: string) => state.resources.get(`rack/${n}`) as Desired<RackSpec> | undefined,
    server: (n: string) => state.resources.get(`server/${n}`) as Desired<ServerSpec> | undefined,
  };
  const datacenter = holder.kind === 'VM' ? vmDatacenter(lookup, holder as Desired<VMSpec>) : serverDatacenter(lookup, holder as Desired<ServerSpec>);
  if (datacenter === undefined || !poolServesDatacenter(poolResource.spec, datacenter)) {
    return fail(
      'INV_ALLOC_WRONG_DATACENTER',
      `pool "${request.pool}" is routed in ${describePoolDatacenters(poolResource.spec)}, but ${holder.address} is in "${datacenter}"`,
    );
  }
  // An interface is in one routing table: the one it names, else the one its addresses are in.
  const holderName = `${holder.address}/${interfaces[index]!.name}`;
  const vrf = poolResource.spec.vrf;
  const interfaceVrfs: Array<string | undefined> = [];
  if (interfaces[index]!.vrf !== undefined) interfaceVrfs.push(interfaces[index]!.vrf);
  else for (const holding of state.ipHoldings.values()) if (holding.holder === holderName) interfaceVrfs.push(holding.vrf);
  const mismatch = interfaceVrfs.findIndex((v) => v !== vrf);
  if (mismatch >= 0) {
    const table = (v: string | undefined) => (v === undefined ? 'the global table' : `vrf "${v}"`);
    return fail('INV_ALLOC_WRONG_VRF', `pool "${request.pool}" is in ${table(vrf)}, but ${holderName} is in ${table(interfaceVrfs[mismatch])}`);
  }
  if (poolResource.spec.routed !== undefined)
    return fail('INV_ALLOC_ROUTED_POOL', `pool "${request.pool}" is a subnet routed whole to its customer; its addresses are not handed out one by one`);
  const layout = poolLayout(poolResource)!;
  // Held in the pool's routing table only: the same address in another VRF is another address.
  // Addresses seen on the network are avoided whatever table they were seen in (sightings carry no
  // VRF the allocation could trust more than a conservative "in use").
  const held = new Set<string>();
  for (const holding of state.ipHoldings.values()) if (holding.vrf === vrf) held.add(holding.ip);
  const chosen = lowestFreeAddresses(layout, held, request.seenInUse ?? new Set(), request.count);
  if (chosen.length < request.count) {
    return fail(
      'INV_ALLOC_POOL_EXHAUSTED',
      `pool "${request.pool}" has ${chosen.length} free address${chosen.length === 1 ? '' : 'es'}, ${request.count} asked for`,
      'No file was changed.',
    );
  }
  const file = holder.origin.file;
  const text = validation.sources.text(file)!;
  const edited = insertAddresses(text, holder.origin.documentIndex, ['interfaces', index], chosen);
  const at = formatSourceRange(validation.sources.locate({ ...holder.origin, path: ['interfaces', index] }));
  return { addresses: chosen, holder: holderName, pool: request.pool, vrf, file, text: edited, at };
}

/** Re-validates the inventory with the edited file in place: an allocation that would leave the
 * inventory invalid (or not contain the addresses) is a bug and is never written. */
export function checkAllocation(snapshot: InventorySnapshot, allocation: Allocation): Diagnostic[] {
  const files = snapshot.files.map((f) => (f.path === allocation.file ? { path: f.path, bytes: Buffer.from(allocation.text, 'utf8') } : f));
  const result = validateInventory({ ...snapshot, files });
  const problems = result.diagnostics.filter((d) => d.severity === 'error');
  for (const ip of allocation.addresses) {
    const holding = result.state.ipHoldings.get(vrfScopedIp(ip, allocation.vrf));
    if (holding?.holder !== allocation.holder) {
      problems.push({
        severity: 'error',
        code: 'INV_ALLOC_INVALID_INVENTORY',
        summary: `internal check failed: ${ip} is not held by ${allocation.holder} after the edit`,
      });
    }
  }
  return problems;
}
