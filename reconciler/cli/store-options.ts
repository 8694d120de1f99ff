import { resolve } from 'node:path';
import type { DesiredState } from '../../inventory/model/desired-state.js';
import { storePathFor } from '../session/open-session.js';
import { stringOption, type CommandIO, type OptionSpec, type ParsedCommandArgs } from './command.js';

export const STORE_OPTIONS: Record<string, OptionSpec> = {
  store: { type: 'string', valueName: 'FILE', description: 'the SQLite store (default: the inventory\'s Store path, else .pytin/store.sqlite beside the inventory)' },
};

/** --store (relative to the working directory), else the session's default for the inventory. */
export function storePathFrom(args: ParsedCommandArgs, io: CommandIO, state: DesiredState | undefined, inventoryRoot: string): string {
  const explicit = stringOption(args, 'store');
  return storePathFor(state, inventoryRoot, explicit === undefined ? undefined : resolve(io.cwd, explicit));
}

/** The --store option as a session option. */
export function explicitStorePath(args: ParsedCommandArgs, io: CommandIO): { storePath?: string } {
  const explicit = stringOption(args, 'store');
  return explicit === undefined ? {} : { storePath: resolve(io.cwd, explicit) };
}
