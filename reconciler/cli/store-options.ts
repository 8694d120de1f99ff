import { dirname, isAbsolute, join, resolve } from 'node:path';
import { resourcesOfKind, type DesiredState } from '../../inventory/model/desired-state.js';
import type { StoreSpec } from '../../inventory/model/specs.js';
import { defaultStorePath } from '../store/open-store.js';
import { stringOption, type CommandIO, type OptionSpec, type ParsedCommandArgs } from './command.js';

export const STORE_OPTIONS: Record<string, OptionSpec> = {
  store: { type: 'string', valueName: 'FILE', description: 'the SQLite store (default: the inventory\'s Store path, else .pytin/store.sqlite beside the inventory)' },
};

/** --store, else the inventory's Store setting, else `.pytin/store.sqlite` in the inventory root. */
export function storePathFrom(args: ParsedCommandArgs, io: CommandIO, state: DesiredState | undefined, inventoryRoot: string): string {
  const explicit = stringOption(args, 'store');
  if (explicit !== undefined) return resolve(io.cwd, explicit);
  const setting = state ? resourcesOfKind<StoreSpec>(state, 'Store')[0] : undefined;
  if (setting) return isAbsolute(setting.spec.path) ? setting.spec.path : join(inventoryRoot, setting.spec.path);
  return defaultStorePath(inventoryRoot);
}

/** Pinned SSH host keys live with the store, so a CI cache of .pytin keeps them. */
export function knownHostsPathFor(storePath: string): string {
  return join(dirname(storePath), 'known_hosts');
}
