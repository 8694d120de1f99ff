import { DEFAULT_MASS_DESTROY_PERCENT } from '../plan/safety.js';
import type { PlanPolicy } from '../plan/build-plan.js';
import { booleanOption, integerOption, type OptionSpec, type ParsedCommandArgs } from './command.js';
import { resourcesOfKind, type DesiredState } from '../../inventory/model/desired-state.js';
import type { StoreSpec } from '../../inventory/model/specs.js';

export const SAFETY_OPTIONS: Record<string, OptionSpec> = {
  'allow-destroy': { type: 'string', valueName: 'ADDRESS', multiple: true, description: 'allow deleting or replacing this protected resource' },
  'allow-mass-destroy': { type: 'boolean', description: 'allow a plan that deletes more than --mass-destroy-percent of a kind' },
  'mass-destroy-percent': { type: 'string', valueName: 'N', description: `share of a kind a plan may delete without --allow-mass-destroy (default ${DEFAULT_MASS_DESTROY_PERCENT})` },
};

export function planPolicyFrom(args: ParsedCommandArgs, state: DesiredState, now: number): PlanPolicy {
  return {
    now,
    lastSeenWarningDays: resourcesOfKind<StoreSpec>(state, 'Store')[0]?.spec.lastSeenWarningDays ?? 31,
    allowDestroy: (args.values['allow-destroy'] as string[] | undefined) ?? [],
    allowMassDestroy: booleanOption(args, 'allow-mass-destroy'),
    massDestroyPercent: integerOption(args, 'mass-destroy-percent', 0) ?? DEFAULT_MASS_DESTROY_PERCENT,
  };
}
