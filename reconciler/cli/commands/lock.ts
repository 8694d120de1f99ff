import { renderDiagnosticsHuman } from '../../render/diagnostics.js';
import { describeLock, holderGone } from '../../session/lock-status.js';
import { breakApplyLock, readApplyLock } from '../../store/apply/apply-lock.js';
import { StoreRefusedError } from '../../store/file/store-error.js';
import type { Store } from '../../store/open-store.js';
import { openStore } from '../../store/open-store.js';
import { booleanOption, type Command, type CommandIO, type ParsedCommandArgs, stringOption } from '../command.js';
import { EXIT_ERROR, EXIT_OK, type ExitCode } from '../exit-codes.js';
import { INVENTORY_OPTIONS, readInventoryFromArgs } from '../inventory-options.js';
import { operatorConfigFrom, STATE_OPTIONS, statePathsFrom } from '../state-options.js';

/** Opens the store the options name (--store, else the configuration's, else beside the inventory), runs `body`, closes it. */
export async function withStore(args: ParsedCommandArgs, io: CommandIO, body: (store: Store) => Promise<ExitCode>): Promise<ExitCode> {
  const operator = operatorConfigFrom(args, io);
  if (Array.isArray(operator)) {
    io.stderr.write(renderDiagnosticsHuman(operator));
    return EXIT_ERROR;
  }
  // With --store the inventory is not needed; without, the default state folder is beside it.
  const root = stringOption(args, 'store') === undefined ? (await readInventoryFromArgs(args, io)).rootDir : io.cwd;
  let store: Store;
  try {
    store = await openStore(statePathsFrom(args, io, operator, root).store);
  } catch (error) {
    if (error instanceof StoreRefusedError) {
      io.stderr.write(renderDiagnosticsHuman([error.diagnostic]));
      return EXIT_ERROR;
    }
    throw error;
  }
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

export const lockStatusCommand: Command = {
  name: 'lock status',
  summary: 'show who holds the apply lock',
  synopsis: '[--store FILE] [--repo DIR] [--path PATH]',
  options: { ...INVENTORY_OPTIONS, ...STATE_OPTIONS },
  run: (args, io) =>
    withStore(args, io, async (store) => {
      const lock = await readApplyLock(store);
      if (!lock) io.stdout.write('No apply holds the lock.\n');
      else {
        const gone = holderGone(lock);
        io.stdout.write(
          `Locked by ${describeLock(lock)}${gone === true ? '; its process is gone: pytin lock break removes the lock' : gone === false ? '; its process is running' : ''}.\n`,
        );
      }
      return EXIT_OK;
    }),
};

export const lockBreakCommand: Command = {
  name: 'lock break',
  summary: 'remove an apply lock whose holder is gone',
  synopsis: '[--force] [--store FILE] [--repo DIR] [--path PATH]',
  options: {
    ...INVENTORY_OPTIONS,
    ...STATE_OPTIONS,
    force: { type: 'boolean', description: 'break it even if the holder may still run (another machine, or alive)' },
  },
  run: (args, io) =>
    withStore(args, io, async (store) => {
      const lock = await readApplyLock(store);
      if (!lock) {
        io.stdout.write('No apply holds the lock.\n');
        return EXIT_OK;
      }
      const gone = holderGone(lock);
      if (gone !== true && !booleanOption(args, 'force')) {
        io.stderr.write(
          `pytin: not breaking the lock of ${describeLock(lock)}: ${gone === false ? 'its process is still running' : 'it was taken on another machine, so pytin cannot tell whether it still runs'}. Use --force if you are sure.\n`,
        );
        return EXIT_ERROR;
      }
      const removed = await breakApplyLock(store);
      io.stdout.write(`Removed the lock of ${removed ? describeLock(removed) : 'nobody'}.\n`);
      return EXIT_OK;
    }),
};
