import type { InventorySnapshot } from '../../inventory/source/inventory-snapshot.js';
import { type InventorySourceOptions, readInventory } from '../../inventory/source/read-inventory.js';
import { booleanOption, type CommandIO, type OptionSpec, type ParsedCommandArgs, stringOption, UsageError } from './command.js';

/** The options every command that reads the inventory takes. */
export const INVENTORY_OPTIONS: Record<string, OptionSpec> = {
  repo: { type: 'string', valueName: 'DIR', description: 'the inventory git repository (default: the current directory)' },
  path: { type: 'string', valueName: 'PATH', description: 'the inventory root inside the repository (default: DIR itself)' },
  ref: { type: 'string', valueName: 'REV', description: 'read the inventory at this revision (default: HEAD)' },
  worktree: { type: 'boolean', description: 'read the files on disk, uncommitted edits included' },
};

/** The inventory options as the source options a session or validate reads with. */
export function inventorySourceFrom(args: ParsedCommandArgs, io: CommandIO): InventorySourceOptions {
  const ref = stringOption(args, 'ref');
  const worktree = booleanOption(args, 'worktree');
  if (ref !== undefined && worktree) throw new UsageError('--ref and --worktree exclude each other');
  return {
    repo: stringOption(args, 'repo') ?? io.cwd,
    ...(stringOption(args, 'path') !== undefined ? { path: stringOption(args, 'path')! } : {}),
    ...(ref !== undefined ? { ref } : {}),
    worktree,
  };
}

export function readInventoryFromArgs(args: ParsedCommandArgs, io: CommandIO): Promise<InventorySnapshot> {
  return readInventory(inventorySourceFrom(args, io));
}
