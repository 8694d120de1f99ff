import { canonicalIp, type IpAddress, parseIp, rangesOverlap } from '../../../schemas/formats/ip.js';
import { assertNever } from '../../core/errors.js';
import type { IpHolding } from '../../model/desired-state.js';
import { serverDatacenter, vmDatacenter } from '../../model/holder-datacenter.js';
import { type WrittenAddress, writtenAddresses } from '../../model/ip-holdings.js';
import { describePoolDatacenters, poolServesDatacenter } from '../../model/pool-datacenters.js';
import { describeNetwork, type PoolLayout, poolLayout } from '../../model/pool-layout.js';
import type { IPPoolSpec } from '../../model/specs.js';
import { vrfScopedIp } from '../../model/vrf-scoped-ip.js';
import type { RuleContext } from '../rule-context.js';
import { PoolFinder } from './pool-finder.js';
import { addressUseIndexed } from './reserved-lookup.js';

/** Pools in numbers, for the pool checks and for placing addresses. */
export function poolLayouts(context: RuleContext): PoolLayout[] {
  return context
    .all('IPPool')
    .map(poolLayout)
    .filter((l): l is PoolLayout => l !== undefined);
}

function checkPools(context: RuleContext, layouts: readonly PoolLayout[]): void {
  for (const layout of layouts) {
    const { pool, network } = layout;
    if (pool.spec.gateway) {
      const gateway = parseIp(pool.spec.gateway)!;
      if (gateway.version !== network.version || gateway.value < network.first || gateway.value > network.last) {
        context.error('INV_RULE_POOL_GATEWAY_OUTSIDE', `gateway ${pool.spec.gateway} is not inside ${pool.spec.cidr}`, pool, ['gateway']);
      }
    }
    const ranges: Array<[string | undefined, (string | number)[]]> = [
      [pool.spec.range, ['range']],
      ...(pool.spec.reserved ?? []).map((r, i): [string, (string | number)[]] => [r, ['reserved', i]]),
    ];
    for (const [text, path] of ranges) {
      if (text === undefined) continue;
      const first = parseIp(text.split('-')[0]!.trim());
      const last = parseIp((text.split('-')[1] ?? text).trim());
      if (!first || !last || first.version !== network.version || first.value < network.first || last.value > network.last) {
        context.error('INV_RULE_POOL_RANGE_INVALID', `${text} is not inside ${pool.spec.cidr}`, pool, path);
      }
    }
  }
  // Overlaps: sort by start and sweep, keeping the pool that reaches furthest so far. Every pool that
  // overlaps an earlier-starting one overlaps that one too, so each is reported once, against it.
  // (Reporting every overlapping pair would be quadratic: n copies of one network make n²/2 pairs.)
  // Pools of different routing tables (VRFs) may overlap: each table is swept on its own.
  const sorted = [...layouts].sort(
    (a, b) =>
      (tableOf(a) < tableOf(b) ? -1 : tableOf(a) > tableOf(b) ? 1 : 0) ||
      a.network.version - b.network.version ||
      (a.network.first < b.network.first ? -1 : a.network.first > b.network.first ? 1 : 0),
  );
  let furthest: PoolLayout | undefined;
  for (const layout of sorted) {
    if (furthest && tableOf(furthest) !== tableOf(layout)) furthest = undefined;
    if (furthest && rangesOverlap(furthest.network, layout.network)) {
      const [a, b] = [furthest, layout];
      const [earlier, later] =
        a.pool.source.file < b.pool.source.file || (a.pool.source.file === b.pool.source.file && a.pool.source.start.offset < b.pool.source.start.offset)
          ? [a, b]
          : [b, a];
      context.error(
        'INV_RULE_POOL_OVERLAP',
        `pool "${later.pool.name}" (${describeNetwork(later)}) overlaps pool "${earlier.pool.name}" (${describeNetwork(earlier)}, ${context.where(earlier.pool, ['cidr'])})`,
        later.pool,
        ['cidr'],
      );
    }
    if (!furthest || furthest.network.version !== layout.network.version || layout.network.last > furthest.network.last) furthest = layout;
  }
}

/** The routing table of a pool, for grouping: the global table is the empty string (a VRF name
 * is never empty). */
const GLOBAL_TABLE = '';
const tableOf = (layout: PoolLayout): string => layout.pool.spec.vrf ?? GLOBAL_TABLE;

/** Pool finders for the ways an address names its pools: its own pool (a reservation), the pools of
 * one routing table that its holder's datacenter routes, or any pool (to say where a misplaced
 * address does lie). Finders per (table, datacenter) are built on first use: a pool routed in
 * several datacenters (or in any) is in each of their finders. */
class PoolFinders {
  readonly anyPool: PoolFinder;
  /** The routing tables that have pools: the global table ('') and each VRF. */
  readonly tables: readonly string[];
  private readonly byName: Map<string, PoolFinder>;
  private readonly byTable: Map<string, PoolLayout[]>;
  private readonly byTableAndDatacenter = new Map<string, PoolFinder>();

  constructor(layouts: readonly PoolLayout[]) {
    this.anyPool = new PoolFinder(layouts);
    this.byName = finderPerGroup(layouts, (l) => l.pool.name);
    this.byTable = groupBy(layouts, tableOf);
    this.tables = [...this.byTable.keys()];
  }

  /** The pools of a routing table routed in a datacenter (undefined: any datacenter). */
  inTable(table: string, datacenter: string | undefined): PoolFinder {
    const key = `${table}\u0000${datacenter ?? ''}`;
    let finder = this.byTableAndDatacenter.get(key);
    if (!finder) {
      const members = (this.byTable.get(table) ?? []).filter((l) => datacenter === undefined || poolServesDatacenter(l.pool.spec, datacenter));
      this.byTableAndDatacenter.set(key, (finder = new PoolFinder(members)));
    }
    return finder;
  }

  named(name: string): PoolFinder | undefined {
    return this.byName.get(name);
  }
}

function groupBy(layouts: readonly PoolLayout[], keyOf: (layout: PoolLayout) => string): Map<string, PoolLayout[]> {
  const groups = new Map<string, PoolLayout[]>();
  for (const layout of layouts) {
    const group = groups.get(keyOf(layout));
    if (group) group.push(layout);
    else groups.set(keyOf(layout), [layout]);
  }
  return groups;
}

function finderPerGroup(layouts: readonly PoolLayout[], keyOf: (layout: PoolLayout) => string): Map<string, PoolFinder> {
  return new Map([...groupBy(layouts, keyOf)].map(([key, members]) => [key, new PoolFinder(members)]));
}

/** Where an address lies, before anything is reported: the pool it is in, or why there is none. */
type Location =
  | { found: PoolLayout }
  | { outside: true }
  /** Pools of several VRFs (and none of the global table) contain it, and its holder names no vrf. */
  | { ambiguous: PoolLayout[] }
  /** The holder's own placement is broken (reported elsewhere). */
  | { unplaced: true };

/** `address`: written.text parsed (once per address, by the caller). */
function locate(written: WrittenAddress, address: IpAddress, finders: PoolFinders, vrfExists: (name: string) => boolean): Location {
  if (written.pool) {
    const layout = finders.named(written.pool)?.find(address.version, address.value);
    return layout ? { found: layout } : { outside: true };
  }
  if (written.vrf !== undefined) {
    if (!vrfExists(written.vrf)) return { unplaced: true }; // the unknown VRF is the references rule's to report
    const layout = finders.inTable(written.vrf, written.datacenter).find(address.version, address.value);
    return layout ? { found: layout } : written.datacenter === undefined ? { unplaced: true } : { outside: true };
  }
  // No vrf named: the global table when one of its pools contains the address (a holder cannot name
  // the global table), else the one VRF whose pool does.
  const global = finders.inTable(GLOBAL_TABLE, written.datacenter).find(address.version, address.value);
  if (global) return { found: global };
  const matches: PoolLayout[] = [];
  for (const table of finders.tables) {
    if (table === GLOBAL_TABLE) continue;
    const layout = finders.inTable(table, written.datacenter).find(address.version, address.value);
    if (layout) matches.push(layout);
  }
  if (matches.length === 1) return { found: matches[0]! };
  if (matches.length > 1) return { ambiguous: matches };
  return written.datacenter === undefined ? { unplaced: true } : { outside: true };
}

const vrfLabel = (vrf: string | undefined) => (vrf === undefined ? 'the global table' : `vrf "${vrf}"`);

function describeRoute(spec: IPPoolSpec): string {
  const to = [spec.routed?.server ? `server "${spec.routed.server}"` : undefined, spec.tenant ? `tenant "${spec.tenant}"` : undefined].filter(Boolean);
  return to.length > 0 ? to.join(' of ') : 'its customer';
}

function placeAddress(context: RuleContext, written: WrittenAddress, address: IpAddress, location: Location, finders: PoolFinders): string | undefined {
  if ('unplaced' in location) return undefined;
  if ('ambiguous' in location) {
    const pools = location.ambiguous.map((l) => `"${l.pool.name}" (${vrfLabel(l.pool.spec.vrf)})`).join(', ');
    context.error(
      'INV_RULE_IP_VRF_AMBIGUOUS',
      `${written.text} is in pools of several VRFs: ${pools}; name the vrf of its holder`,
      written.resource,
      written.path,
      'Pools of different VRFs may overlap. Write `vrf: NAME` on the interface (or held address, or shaping limit) so the address is held in one of them.',
    );
    return undefined;
  }
  if ('outside' in location) {
    const elsewhere = finders.anyPool.find(address.version, address.value);
    const where = written.pool
      ? `pool "${written.pool}"`
      : `any pool of ${written.vrf === undefined ? '' : `${vrfLabel(written.vrf)} in `}datacenter "${written.datacenter}"`;
    context.error(
      'INV_RULE_IP_OUTSIDE_POOL',
      `${written.text} is not in ${where}${elsewhere ? ` (it is in pool "${elsewhere.pool.name}" of ${describePoolDatacenters(elsewhere.pool.spec)}${elsewhere.pool.spec.vrf === undefined ? '' : `, vrf "${elsewhere.pool.spec.vrf}"`})` : ''}`,
      written.resource,
      written.path,
    );
    return undefined;
  }
  const layout = location.found;
  // A routed subnet belongs to its customer whole: nobody in the inventory holds a single address of it.
  if (layout.pool.spec.routed !== undefined && !written.pool) {
    context.error(
      'INV_RULE_IP_IN_ROUTED_SUBNET',
      `${written.text} is in pool "${layout.pool.name}", a subnet routed whole to ${describeRoute(layout.pool.spec)}; its addresses are not held one by one`,
      written.resource,
      written.path,
    );
    return layout.pool.name;
  }
  const use = addressUseIndexed(layout, address.value);
  switch (use) {
    case 'usable':
      return layout.pool.name;
    case 'network':
      context.error(
        'INV_RULE_IP_NETWORK_ADDRESS',
        `${written.text} is the network address of pool "${layout.pool.name}" (${describeNetwork(layout)})`,
        written.resource,
        written.path,
      );
      return layout.pool.name;
    case 'broadcast':
      context.error(
        'INV_RULE_IP_BROADCAST_ADDRESS',
        `${written.text} is the broadcast address of pool "${layout.pool.name}" (${describeNetwork(layout)})`,
        written.resource,
        written.path,
      );
      return layout.pool.name;
    case 'gateway':
      context.error(
        'INV_RULE_IP_GATEWAY',
        `${written.text} is the gateway of pool "${layout.pool.name}"; a gateway is never held`,
        written.resource,
        written.path,
      );
      return layout.pool.name;
    case 'reserved':
      context.error('INV_RULE_IP_RESERVED', `${written.text} is in a reserved range of pool "${layout.pool.name}"`, written.resource, written.path);
      return layout.pool.name;
    default:
      return assertNever(use, 'address use');
  }
}

/** Addresses lie in a pool of their holder's datacenter, are not the network, broadcast or
 * gateway address, not reserved, and held once per routing table; pools are well-formed and do not
 * overlap inside one routing table (the global table or a VRF).
 * Returns every holding by canonical address (the first holder of a duplicate wins). */
export function ipAddresses(context: RuleContext): Map<string, IpHolding> {
  const layouts = poolLayouts(context);
  checkPools(context, layouts);
  const finders = new PoolFinders(layouts);
  // A rack whose datacenter does not exist was reported already; its devices' addresses are not
  // reported again as outside every pool of that datacenter.
  const placement = {
    rack: (name: string) => {
      const rack = context.get('Rack', name);
      return rack && context.get('Datacenter', rack.spec.datacenter) ? rack : undefined;
    },
    server: (name: string) => context.get('Server', name),
  };
  const written = writtenAddresses({
    vms: context.all('VM'),
    servers: context.all('Server'),
    pools: context.all('IPPool'),
    racked: [...context.all('Switch'), ...context.all('Device')],
    rackedDatacenter: (device) => placement.rack(device.spec.placement.rack)?.spec.datacenter,
    vmDatacenter: (vm) => vmDatacenter(placement, vm),
    serverDatacenter: (server) => serverDatacenter(placement, server),
  });
  // The first holder in file order keeps the address; the later one is the error.
  const order = (w: WrittenAddress) => w.resource.origin;
  written.sort((a, b) => (order(a).file < order(b).file ? -1 : order(a).file > order(b).file ? 1 : order(a).documentIndex - order(b).documentIndex));
  const holdings = new Map<string, IpHolding>();
  const vrfExists = (name: string) => context.get('VRF', name) !== undefined || context.isDeclared('VRF', name);
  for (const entry of written) {
    const address = parseIp(entry.text)!;
    const canonical = canonicalIp(entry.text)!;
    // An address is held once per routing table: its pool's, else the one its holder names.
    const location = locate(entry, address, finders, vrfExists);
    const vrf = 'found' in location ? location.found.pool.spec.vrf : entry.vrf;
    const key = vrfScopedIp(canonical, vrf);
    const earlier = holdings.get(key);
    if (earlier) {
      const earlierResource = context.resourceAt(earlier.resource)!;
      context.error(
        'INV_RULE_IP_DUPLICATE',
        `${canonical}${vrf === undefined ? '' : ` (vrf "${vrf}")`} is already held by ${earlier.holder} (${context.where(earlierResource, earlier.path)})`,
        entry.resource,
        entry.path,
        'An address belongs to exactly one holder. If two branches allocated it, run `pytin allocate` again for one of them.',
      );
      continue;
    }
    const pool = placeAddress(context, entry, address, location, finders);
    holdings.set(key, { ip: canonical, holder: entry.holder, resource: entry.resource.address, pool, vrf, path: entry.path, origin: entry.resource.origin });
  }
  return holdings;
}
