import { type Kind, KIND_NAMES } from '../../../schemas/kinds.js';
import type { Desired } from '../../model/desired-state.js';
import type { RuleContext } from '../rule-context.js';

/** Kinds an inventory may define only once. */
const SINGLETONS: readonly Kind[] = ['Store', 'ZabbixConnection'];

/** Names are unique per kind; the second definition is the error and names the first. */
export function uniqueNames(context: RuleContext): void {
  for (const kind of KIND_NAMES) {
    const first = new Map<string, Desired>();
    const all = context.all(kind);
    for (const resource of all) {
      const earlier = first.get(resource.name);
      if (earlier) {
        context.error('INV_RULE_DUPLICATE_NAME', `${kind} "${resource.name}" is defined twice; first at ${context.where(earlier, ['name'])}`, resource, [
          'name',
        ]);
      } else first.set(resource.name, resource);
    }
    if (SINGLETONS.includes(kind) && all.length > 1) {
      context.error('INV_RULE_SINGLETON', `only one ${kind} may be defined; another is at ${context.where(all[0]!, ['kind'])}`, all[1]!, ['kind']);
    }
  }
}
