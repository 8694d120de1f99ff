import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { DEFAULT_MASS_DESTROY_PERCENT, type SafetyPolicy } from '../plan/safety.js';
import { openSession, type SessionOptions, type SessionResult } from '../session/open-session.js';
import { booleanOption, type Command, type CommandIO, integerOption, type OptionSpec, type ParsedCommandArgs } from './command.js';
import { INVENTORY_OPTIONS, inventorySourceFrom } from './inventory-options.js';
import { CACHE_OPTIONS, explicitStorePath, operatorConfigFrom, STATE_OPTIONS } from './state-options.js';

export const SAFETY_OPTIONS: Record<string, OptionSpec> = {
  'allow-destroy': { type: 'string', valueName: 'ADDRESS', multiple: true, description: 'allow deleting or replacing this protected resource' },
  'allow-mass-destroy': { type: 'boolean', description: 'allow a plan that deletes more than --mass-destroy-percent of a kind' },
  'mass-destroy-percent': {
    type: 'string',
    valueName: 'N',
    description: `share of a kind a plan may delete without --allow-mass-destroy (default ${DEFAULT_MASS_DESTROY_PERCENT})`,
  },
};

export function safetyPolicyFrom(args: ParsedCommandArgs): SafetyPolicy {
  return {
    allowDestroy: (args.values['allow-destroy'] as string[] | undefined) ?? [],
    allowMassDestroy: booleanOption(args, 'allow-mass-destroy'),
    massDestroyPercent: integerOption(args, 'mass-destroy-percent', 0) ?? DEFAULT_MASS_DESTROY_PERCENT,
  };
}

/** The options of every command that plans (plan, apply). */
export const PLAN_RUN_OPTIONS = {
  ...INVENTORY_OPTIONS,
  ...STATE_OPTIONS,
  ...CACHE_OPTIONS,
  ...SAFETY_OPTIONS,
  refresh: { type: 'boolean', description: 'observe every switch and host first' },
  'trust-new-hosts': { type: 'boolean', description: 'record the SSH host key of hosts seen for the first time' },
  parallelism: { type: 'string', valueName: 'N', description: 'hosts worked on at once' },
} as const satisfies Command['options'];

/** The session a command that talks to the world opens, from its options (or why it cannot). */
export function sessionOptionsFrom(args: ParsedCommandArgs, io: CommandIO, parallelism: number): SessionOptions | Diagnostic[] {
  const operator = operatorConfigFrom(args, io);
  if (Array.isArray(operator)) return operator;
  return {
    inventory: inventorySourceFrom(args, io),
    operator,
    ...explicitStorePath(args, io),
    env: io.env,
    trustNewHosts: booleanOption(args, 'trust-new-hosts'),
    parallelism,
    inventoryCache: !booleanOption(args, 'no-cache'),
  };
}

/** Opens the session a command's options describe; a configuration that cannot be read fails it. */
export async function openSessionFrom(args: ParsedCommandArgs, io: CommandIO, parallelism: number): Promise<SessionResult> {
  const options = sessionOptionsFrom(args, io, parallelism);
  return Array.isArray(options) ? { failed: options } : openSession(options);
}
