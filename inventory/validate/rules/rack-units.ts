import type { Desired } from '../../model/desired-state.js';
import type { RackPlacement, RackUnitReservation } from '../../model/specs.js';
import type { RuleContext } from '../rule-context.js';

type Face = 'front' | 'rear';
const FACES: readonly Face[] = ['front', 'rear'];

/** The faces a device takes: a half-depth device only its own (front unless it says rear); any
 * other device both, whatever face it is mounted on. */
function facesOf(placement: RackPlacement): readonly Face[] {
  return placement.halfDepth === true ? [placement.face ?? 'front'] : FACES;
}

interface Racked {
  resource: Desired;
  placement: RackPlacement;
  tenant: string | undefined;
}

/** Devices (servers, switches, any Device) fit inside their rack, and no two take the same face
 * of a unit; a reserved unit takes no device except its tenant's; reservations lie inside the rack. */
export function rackUnits(context: RuleContext): void {
  for (const rack of context.all('Rack')) {
    rack.spec.reservations?.forEach((reservation, i) => {
      if (reservation.from > reservation.to || reservation.to > rack.spec.units) {
        context.error(
          'INV_RULE_RACK_UNIT_OUTSIDE',
          `reserved units ${reservation.from}-${reservation.to} are not a range inside rack "${rack.name}" (units 1-${rack.spec.units})`,
          rack,
          ['reservations', i, 'from'],
        );
      }
    });
  }
  const devices: Racked[] = [
    ...context.all('Switch').map((r) => ({ resource: r as Desired, placement: r.spec.placement, tenant: undefined })),
    ...context.all('Server').map((r) => ({ resource: r as Desired, placement: r.spec.placement, tenant: r.spec.tenant })),
    ...context.all('Device').map((r) => ({ resource: r as Desired, placement: r.spec.placement, tenant: r.spec.tenant })),
  ];
  // rack -> "unit/face" -> the device there
  const occupied = new Map<string, Map<string, Desired>>();
  for (const { resource, placement, tenant } of devices) {
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
    const faces = facesOf(placement);
    const reserved = rack.spec.reservations?.find(
      (r: RackUnitReservation) =>
        r.from <= top &&
        r.to >= placement.position &&
        (r.face === undefined || faces.includes(r.face)) &&
        // A reservation for an unknown tenant is the references rule's error, not its devices'.
        (r.tenant === undefined || (r.tenant !== tenant && context.isDeclared('Tenant', r.tenant))),
    );
    if (reserved) {
      const index = rack.spec.reservations!.indexOf(reserved);
      context.error(
        'INV_RULE_RACK_UNIT_RESERVED',
        `units ${reserved.from}-${reserved.to} of rack "${rack.name}" are reserved (${reserved.reason}${reserved.tenant ? `, for tenant ${reserved.tenant}` : ''}; ${context.where(rack, ['reservations', index, 'from'])})`,
        resource,
        ['placement', 'position'],
        reserved.tenant ? `Only devices of tenant "${reserved.tenant}" may use these units.` : 'Remove the reservation first, or place the device elsewhere.',
      );
      continue;
    }
    let units = occupied.get(rack.name);
    if (!units) occupied.set(rack.name, (units = new Map()));
    let clash: { unit: number; other: Desired } | undefined;
    for (let unit = placement.position; unit <= top && !clash; unit++) {
      for (const face of faces) {
        const other = units.get(`${unit}/${face}`);
        if (other) {
          clash = { unit, other };
          break;
        }
      }
    }
    if (clash) {
      context.error(
        'INV_RULE_RACK_UNIT_OVERLAP',
        `unit ${clash.unit} of rack "${rack.name}" is already taken by ${clash.other.address} (${context.where(clash.other, ['placement', 'position'])})`,
        resource,
        ['placement', 'position'],
        'Two devices share a unit only when both are half-depth and on opposite faces (placement.halfDepth, placement.face).',
      );
    }
    for (let unit = placement.position; unit <= top; unit++)
      for (const face of faces) if (!units.has(`${unit}/${face}`)) units.set(`${unit}/${face}`, resource);
  }
}
