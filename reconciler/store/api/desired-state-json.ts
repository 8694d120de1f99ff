import type { DesiredState } from '../../../inventory/model/desired-state.js';

/** The desired state of an applied commit as the store keeps it (applied_states.desired_json)
 * and the API reads it back (applied-model.ts): each resource's spec and every held address.
 * Specs hold secret references only, never secret values; the API picks its fields one by one. */
export function desiredStateJson(state: DesiredState): string {
  return JSON.stringify({
    revision: state.revision,
    resources: [...state.resources.values()].map((r) => ({ address: r.address, kind: r.kind, name: r.name, spec: r.spec })),
    // vrf only when there is one, so an inventory without VRFs records the same JSON as before.
    ips: [...state.ipHoldings.values()].map((h) => ({ ip: h.ip, holder: h.holder, pool: h.pool ?? null, ...(h.vrf === undefined ? {} : { vrf: h.vrf }) })),
  });
}
