import { resolve } from 'node:path';

import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { loadOperatorConfig, type OperatorConfig, operatorConfigPath } from '../session/operator-config.js';
import { type StatePaths, statePaths } from '../session/state-paths.js';
import { type CommandIO, type OptionSpec, type ParsedCommandArgs, stringOption } from './command.js';

/** The options of every command that uses pytin's state (store, known_hosts, secrets). */
export const STATE_OPTIONS: Record<string, OptionSpec> = {
  config: { type: 'string', valueName: 'FILE', description: 'the pytin configuration (default: $PYTIN_CONFIG, else /etc/pytin/config.yaml if it exists)' },
  store: { type: 'string', valueName: 'FILE', description: "the SQLite store (default: the configuration's, else .pytin/store.sqlite beside the inventory)" },
};

/** --no-cache: for commands that read the inventory and keep state. */
export const CACHE_OPTIONS: Record<string, OptionSpec> = {
  'no-cache': { type: 'boolean', description: 'parse and check every inventory file again instead of reusing the results kept beside the store' },
};

/** The operator configuration these options name, or the diagnostics saying why it cannot be read. */
export function operatorConfigFrom(args: ParsedCommandArgs, io: CommandIO): OperatorConfig | Diagnostic[] {
  return loadOperatorConfig(operatorConfigPath(stringOption(args, 'config'), io.env, io.cwd));
}

/** --store, relative to the working directory. */
export function explicitStorePath(args: ParsedCommandArgs, io: CommandIO): { storePath?: string } {
  const explicit = stringOption(args, 'store');
  return explicit === undefined ? {} : { storePath: resolve(io.cwd, explicit) };
}

export function statePathsFrom(args: ParsedCommandArgs, io: CommandIO, operator: OperatorConfig, inventoryRoot: string): StatePaths {
  return statePaths(operator, inventoryRoot, explicitStorePath(args, io).storePath);
}
