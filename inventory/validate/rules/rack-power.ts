import type { RuleContext } from '../rule-context.js';

/** The devices of a rack draw no more than its feeds deliver (a warning: colocation sells power,
 * and an over-budget rack trips a breaker when every device peaks). Racks without feeds are not
 * checked. */
export function rackPower(context: RuleContext): void {
  const draw = new Map<string, { watts: number; devices: number }>();
  const racked = [...context.all('Server'), ...context.all('Switch'), ...context.all('Device')];
  for (const device of racked) {
    if (device.spec.powerDraw === undefined) continue;
    const sum = draw.get(device.spec.placement.rack) ?? { watts: 0, devices: 0 };
    sum.watts += device.spec.powerDraw;
    sum.devices += 1;
    draw.set(device.spec.placement.rack, sum);
  }
  for (const rack of context.all('Rack')) {
    const feeds = rack.spec.powerFeeds;
    const used = draw.get(rack.name);
    if (!feeds || feeds.length === 0 || !used) continue;
    const capacity = feeds.reduce((sum, feed) => sum + feed.capacity, 0);
    if (used.watts > capacity) {
      context.warning(
        'INV_RULE_POWER_OVER_BUDGET',
        `the ${used.devices} devices of rack "${rack.name}" draw ${used.watts} W; its feeds deliver ${capacity} W (${feeds.map((f) => `${f.name} ${f.capacity} W`).join(' + ')})`,
        rack,
        ['powerFeeds'],
      );
    }
  }
}
