import type { RackPlacement } from '../../inventory/model/specs.js';
import type { AppliedModel } from '../../reconciler/store/api/applied-model.js';

export type RackFace = 'front' | 'rear';
export type RackedKind = 'server' | 'switch' | 'device';

/** One thing in a rack as the elevation draws it: the units the YAML gives and the faces it
 * takes. */
export interface RackedItem {
  kind: RackedKind;
  name: string;
  position: number;
  height: number;
  faces: RackFace[];
  serial: string | null;
  model: string | null;
}

/** The faces a placement takes: the one it names; a half-depth device without one, the front;
 * otherwise both (a full-depth device blocks its units front and rear). */
function facesOf(p: RackPlacement): RackFace[] {
  if (p.face) return [p.face];
  return p.halfDepth ? ['front'] : ['front', 'rear'];
}

/** Everything the applied commit places in `rack`, lowest unit first: servers, switches and the
 * other racked devices (PDUs, patch panels, firewalls). */
export function rackedItems(model: AppliedModel, rack: string): RackedItem[] {
  const items: RackedItem[] = [];
  const add = (kind: RackedKind, name: string, spec: { placement: RackPlacement; serial?: string; model?: string }) => {
    if (spec.placement.rack !== rack) return;
    items.push({
      kind,
      name,
      position: spec.placement.position,
      height: spec.placement.height,
      faces: facesOf(spec.placement),
      serial: spec.serial ?? null,
      model: spec.model ?? null,
    });
  };
  for (const [name, spec] of model.servers) add('server', name, spec);
  for (const [name, spec] of model.switches) add('switch', name, spec);
  for (const [name, spec] of model.devices) add('device', name, spec);
  return items.sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
}

/** How many units of `rack` hold something (on either face). */
export function usedUnits(model: AppliedModel, rack: string): number {
  const units = new Set<number>();
  for (const item of rackedItems(model, rack)) for (let u = item.position; u < item.position + item.height; u++) units.add(u);
  return units.size;
}
