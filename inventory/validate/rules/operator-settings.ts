import type { RuleContext } from '../rule-context.js';

/** Settings that once lived in the inventory and are now the operator's alone (outside git):
 * reading them from a branch would let the branch choose where pytin keeps its state. Each is an
 * error at its place, saying where it went, rather than silently ignored. */
export function operatorSettings(context: RuleContext): void {
  for (const store of context.all('Store')) {
    if (store.spec.path === undefined) continue;
    context.error(
      'INV_RULE_OPERATOR_SETTING',
      "the store's location is not an inventory setting: the operator sets it outside git",
      store,
      ['path'],
      'Remove "path" here; set "store" (or "stateDir") in the pytin configuration (--config FILE, PYTIN_CONFIG), or pass --store FILE. A branch under review must not choose where pytin keeps its facts and which host keys it trusts.',
    );
  }
}
