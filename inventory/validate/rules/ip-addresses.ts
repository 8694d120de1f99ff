import { formatIp, parseIp, rangesOverlap } from '../../../schemas/formats/ip.js';
import { addressUse, describeNetwork, poolLayout, type PoolLayout } from '../../model/pool-layout.js';
import { serverDatacenter, vmDatacenter } from '../../model/holder-datacenter.js';
import { writtenAddresses, type WrittenAddress } from '../../model/ip-holdings.js';
import type { IpHolding } from '../../model/desired-state.js';
import { assertNever } from '../../core/errors.js';
import type { RuleContext } from '../rule-context.js';

/** Pools in numbers, for the pool checks and for placing addresses. */
export function poolLayouts(context: RuleContext): PoolLayout[] {
  return context.all('IPPool').map(poolLayout).filter((l): l is PoolLayout => l !== undefined);
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
    const ranges: Array<[string | undefined, (string | number)[]]> = [[pool.spec.range, ['range']], ...(pool.spec.reserved ?? []).map((r, i): [string, (string | number)[]] => [r, ['reserved', i]])];
    for (const [text, path] of ranges) {
      if (text === undefined) continue;
      const first = parseIp(text.split('-')[0]!.trim());
      const last = parseIp((text.split('-')[1] ?? text).trim());
      if (!first || !last || first.version !== network.version || first.value < network.first || last.value > network.last) {
        context.error('INV_RULE_POOL_RANGE_INVALID', `${text} is not inside ${pool.spec.cidr}`, pool, path);
      }
    }
  }
  // Overlaps: sort by start, compare each pool with the ones still open.
  const sorted = [...layouts].sort((a, b) => a.network.version - b.network.version || (a.network.first < b.network.first ? -1 : a.network.first > b.network.first ? 1 : 0));
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && rangesOverlap(sorted[i]!.network, sorted[j]!.network); j++) {
      const [a, b] = [sorted[i]!, sorted[j]!];
      const [earlier, later] = a.pool.source.file < b.pool.source.file || (a.pool.source.file === b.pool.source.file && a.pool.source.start.offset < b.pool.source.start.offset) ? [a, b] : [b, a];
      context.error(
        'INV_RULE_POOL_OVERLAP',
        `pool "${later.pool.name}" (${describeNetwork(later)}) overlaps pool "${earlier.pool.name}" (${describeNetwork(earlier)}, ${context.where(earlier.pool, ['cidr'])})`,
        later.pool,
        ['cidr'],
      );
    }
  }
}

function placeAddress(context: RuleContext, written: WrittenAddress, layouts: readonly PoolLayout[], byDatacenter: Map<string, PoolLayout[]>): string | undefined {
  const address = parseIp(written.text)!;
  const candidates = written.pool ? layouts.filter((l) => l.pool.name === written.pool) : written.datacenter ? (byDatacenter.get(written.datacenter) ?? []) : layouts;
  const layout = candidates.find((l) => l.network.version === address.version && address.value >= l.network.first && address.value <= l.network.last);
  if (!layout) {
    if (written.datacenter === undefined && !written.pool) return undefined; // the holder's placement is broken: reported elsewhere
    const elsewhere = layouts.find((l) => l.network.version === address.version && address.value >= l.network.first && address.value <= l.network.last);
    const where = written.pool ? `pool "${written.pool}"` : `any pool of datacenter "${written.datacenter}"`;
    context.error(
      'INV_RULE_IP_OUTSIDE_POOL',
      `${written.text} is not in ${where}${elsewhere ? ` (it is in pool "${elsewhere.pool.name}" of datacenter "${elsewhere.pool.spec.datacenter}")` : ''}`,
      written.resource,
      written.path,
    );
    return undefined;
  }
  const use = addressUse(layout, address.value);
  switch (use) {
    case 'usable':
      return layout.pool.name;
    case 'network':
      context.error('INV_RULE_IP_NETWORK_ADDRESS', `${written.text} is the network address of pool "${layout.pool.name}" (${describeNetwork(layout)})`, written.resource, written.path);
      return layout.pool.name;
    case 'broadcast':
      context.error('INV_RULE_IP_BROADCAST_ADDRESS', `${written.text} is the broadcast address of pool "${layout.pool.name}" (${describeNetwork(layout)})`, written.resource, written.path);
      return layout.pool.name;
    case 'gateway':
      context.error('INV_RULE_IP_GATEWAY', `${written.text} is the gateway of pool "${layout.pool.name}"; a gateway is never held`, written.resource, written.path);
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
  const byDatacenter = new Map<string, PoolLayout[]>();
  for (const layout of layouts) {
    const list = byDatacenter.get(layout.pool.spec.datacenter) ?? [];
    list.push(layout);
    byDatacenter.set(layout.pool.spec.datacenter, list);
  }
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
      const earlierResource = context.resources.find((r) => r.address === earlier.resource)!;
      context.error(
        'INV_RULE_IP_DUPLICATE',
        `${canonical} is already held by ${earlier.holder} (${context.where(earlierResource, earlier.path)})`,
        entry.resource,
        entry.path,
        'An address belongs to exactly one holder. If two branches allocated it, run `pytin allocate` again for one of them.',
      );
      continue;
    }
    const pool = placeAddress(context, entry, layouts, byDatacenter);
    holdings.set(canonical, { ip: canonical, holder: entry.holder, resource: entry.resource.address, pool, path: entry.path, origin: entry.resource.origin });
  }
  return holdings;
}
