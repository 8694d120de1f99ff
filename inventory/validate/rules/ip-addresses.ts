import { formatIp, parseIp, rangesOverlap } from '../../../schemas/formats/ip.js';
import { assertNever } from '../../core/errors.js';
import type { IpHolding } from '../../model/desired-state.js';
import { serverDatacenter, vmDatacenter } from '../../model/holder-datacenter.js';
import { type WrittenAddress, writtenAddresses } from '../../model/ip-holdings.js';
import { describeNetwork, type PoolLayout, poolLayout } from '../../model/pool-layout.js';
import type { IPPoolSpec } from '../../model/specs.js';
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
  const sorted = [...layouts].sort(
    (a, b) => a.network.version - b.network.version || (a.network.first < b.network.first ? -1 : a.network.first > b.network.first ? 1 : 0),
  );
  let furthest: PoolLayout | undefined;
  for (const layout of sorted) {
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

/** Pool finders for the three ways an address names its pools: its own pool (a reservation), its
 * holder's datacenter, or any pool (to say where a misplaced address does lie). */
class PoolFinders {
  readonly anyPool: PoolFinder;
  private readonly byDatacenter: Map<string, PoolFinder>;
  private readonly byName: Map<string, PoolFinder>;

  constructor(layouts: readonly PoolLayout[]) {
    this.anyPool = new PoolFinder(layouts);
    this.byDatacenter = finderPerGroup(layouts, (l) => l.pool.spec.datacenter);
    this.byName = finderPerGroup(layouts, (l) => l.pool.name);
  }

  inDatacenter(datacenter: string): PoolFinder | undefined {
    return this.byDatacenter.get(datacenter);
  }

  named(name: string): PoolFinder | undefined {
    return this.byName.get(name);
  }
}

function finderPerGroup(layouts: readonly PoolLayout[], keyOf: (layout: PoolLayout) => string): Map<string, PoolFinder> {
  const groups = new Map<string, PoolLayout[]>();
  for (const layout of layouts) {
    const group = groups.get(keyOf(layout));
    if (group) group.push(layout);
    else groups.set(keyOf(layout), [layout]);
  }
  return new Map([...groups].map(([key, members]) => [key, new PoolFinder(members)]));
}

function describeRoute(spec: IPPoolSpec): string {
  const to = [spec.routed?.server ? `server "${spec.routed.server}"` : undefined, spec.tenant ? `tenant "${spec.tenant}"` : undefined].filter(Boolean);
  return to.length > 0 ? to.join(' of ') : 'its customer';
}

function placeAddress(context: RuleContext, written: WrittenAddress, finders: PoolFinders): string | undefined {
  const address = parseIp(written.text)!;
  const candidates = written.pool ? finders.named(written.pool) : written.datacenter ? finders.inDatacenter(written.datacenter) : finders.anyPool;
  const layout = candidates?.find(address.version, address.value);
  if (!layout) {
    if (written.datacenter === undefined && !written.pool) return undefined; // the holder's placement is broken: reported elsewhere
    const elsewhere = finders.anyPool.find(address.version, address.value);
    const where = written.pool ? `pool "${written.pool}"` : `any pool of datacenter "${written.datacenter}"`;
    context.error(
      'INV_RULE_IP_OUTSIDE_POOL',
      `${written.text} is not in ${where}${elsewhere ? ` (it is in pool "${elsewhere.pool.name}" of datacenter "${elsewhere.pool.spec.datacenter}")` : ''}`,
      written.resource,
      written.path,
    );
    return undefined;
  }
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
 * gateway address, not reserved, and held once; pools are well-formed and do not overlap.
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
  for (const entry of written) {
    const canonical = formatIp(parseIp(entry.text)!);
    const earlier = holdings.get(canonical);
    if (earlier) {
      const earlierResource = context.resourceAt(earlier.resource)!;
      context.error(
        'INV_RULE_IP_DUPLICATE',
        `${canonical} is already held by ${earlier.holder} (${context.where(earlierResource, earlier.path)})`,
        entry.resource,
        entry.path,
        'An address belongs to exactly one holder. If two branches allocated it, run `pytin allocate` again for one of them.',
      );
      continue;
    }
    const pool = placeAddress(context, entry, finders);
    holdings.set(canonical, { ip: canonical, holder: entry.holder, resource: entry.resource.address, pool, path: entry.path, origin: entry.resource.origin });
  }
  return holdings;
}
