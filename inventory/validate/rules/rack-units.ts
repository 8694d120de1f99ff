import type { Desired } from '../../model/desired-state.js';
import type { RackPlacement } from '../../model/specs.js';
import type { RuleContext } from '../rule-context.js';

/** Devices fit inside their rack, and no two occupy the same unit. */
export function rackUnits(context: RuleContext): void {
  const devices: Array<{ resource: Desired; placement: RackPlacement }> = [
    ...context.all('Switch').map((r) => ({ resource: r as Desired, placement: r.spec.placement })),
    ...context.all('Server').map((r) => ({ resource: r as Desired, placement: r.spec.placement })),
  ];
  const occupied = new Map<string, Map<number, Desired>>();
  for (const { resource, placement } of devices) {
    const rack = context.get('Rack', placement.rack);
    if (!rack) continue; // reported by the references rule
    const top = placement.position + placement.height - 1;
    if (top > rack.spec.units) {
      context.error(
        'INV_RULE_RACK_UNIT_OUTSIDE',
        `${resource.kind.toLowerCase()} "${resource.name}" occupies units ${placement.position}-${top}, but rack "${rack.name}" has ${rack.spec.units} units`,
        resource,
        ['placement', 'position'],
      );
      continue;
    }
    let units = occupied.get(rack.name);
    if (!units) occupied.set(rack.name, (units = new Map()));
    for (let unit = placement.position; unit <= top; unit++) {
      const other = units.get(unit);
      if (other) {
        context.error(
          'INV_RULE_RACK_UNIT_OVERLAP',
          `unit ${unit} of rack "${rack.name}" is already taken by ${other.address} (${context.where(other, ['placement', 'position'])})`,
          resource,
          ['placement', 'position'],
        );
        break;
      }
    }
    for (let unit = placement.position; unit <= top; unit++) if (!units.has(unit)) units.set(unit, resource);
  }
}
