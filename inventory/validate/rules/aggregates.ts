import { parseCidr } from '../../../schemas/formats/ip.js';
import type { RuleContext } from '../rule-context.js';

/** A pool that names its Aggregate lies inside it and in its routing table (VRF): an IP plan is a
 * hierarchy, an RIR allocation split into per-VLAN pools. An unknown aggregate is the references rule's to report. */
export function aggregates(context: RuleContext): void {
  for (const pool of context.all('IPPool')) {
    if (pool.spec.aggregate === undefined) continue;
    const aggregate = context.get('Aggregate', pool.spec.aggregate);
    if (!aggregate) continue;
    if (pool.spec.vrf !== aggregate.spec.vrf) {
      const table = (vrf: string | undefined) => (vrf === undefined ? 'the global table' : `vrf "${vrf}"`);
      context.error(
        'INV_RULE_POOL_OUTSIDE_AGGREGATE',
        `pool "${pool.name}" is in ${table(pool.spec.vrf)}, but aggregate "${aggregate.name}" is in ${table(aggregate.spec.vrf)} (${context.where(aggregate, ['name'])})`,
        pool,
        pool.spec.vrf === undefined ? ['aggregate'] : ['vrf'],
      );
      continue;
    }
    const inner = parseCidr(pool.spec.cidr);
    const outer = parseCidr(aggregate.spec.cidr);
    if (!inner || !outer) continue;
    const inside = inner.version === outer.version && inner.first >= outer.first && inner.last <= outer.last;
    if (!inside) {
      context.error(
        'INV_RULE_POOL_OUTSIDE_AGGREGATE',
        `pool "${pool.name}" (${pool.spec.cidr}) is not inside aggregate "${aggregate.name}" (${aggregate.spec.cidr}, ${context.where(aggregate, ['cidr'])})`,
        pool,
        ['cidr'],
      );
    }
  }
}
