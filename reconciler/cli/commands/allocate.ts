import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { checkAllocation, planAllocation } from '../../../inventory/allocate/allocate.js';
import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { InternalError } from '../../../inventory/core/errors.js';
import { type DesiredState, resourcesOfKind } from '../../../inventory/model/desired-state.js';
import type { StoreSpec } from '../../../inventory/model/specs.js';
import type { InventorySnapshot } from '../../../inventory/source/inventory-snapshot.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { canonicalIp } from '../../../schemas/formats/ip.js';
import { renderDiagnosticsHuman, renderDiagnosticsJsonLines } from '../../render/diagnostics.js';
import { addressesSeenSince } from '../../store/facts/ip-history.js';
import { openStore } from '../../store/open-store.js';
import { booleanOption, type Command, type CommandIO, integerOption, type ParsedCommandArgs, stringOption, UsageError } from '../command.js';
import { EXIT_ERROR, EXIT_OK } from '../exit-codes.js';
import { INVENTORY_OPTIONS, readInventoryFromArgs } from '../inventory-options.js';
import { operatorConfigFrom, STATE_OPTIONS, statePathsFrom } from '../state-options.js';

const { ref: _ref, worktree: _worktree, ...EDIT_OPTIONS } = INVENTORY_OPTIONS;

/** Days an address seen on the network counts as in use for allocation (the old tool freed
 * addresses after 31 days unseen). */
const RECENTLY_SEEN_DAYS = 31;

/** Addresses the observers saw recently, when a store exists (allocation never creates one):
 * an address answering ARP that git does not know is never handed out. */
async function recentlySeenAddresses(
  args: ParsedCommandArgs,
  io: CommandIO,
  snapshot: InventorySnapshot,
  state: DesiredState,
): Promise<Set<string> | Diagnostic[]> {
  const operator = operatorConfigFrom(args, io);
  if (Array.isArray(operator)) return operator;
  const path = statePathsFrom(args, io, operator, snapshot.rootDir).store;
  if (!existsSync(path)) return new Set();
  const store = await openStore(path);
  try {
    const days = resourcesOfKind<StoreSpec>(state, 'Store')[0]?.spec.lastSeenWarningDays ?? RECENTLY_SEEN_DAYS;
    const seen = await addressesSeenSince(store, Date.now() - days * 86_400_000);
    // The observer writes IPv6 in full form; allocation compares canonical text.
    return new Set([...seen].map((ip) => canonicalIp(ip) ?? ip));
  } finally {
    await store.close();
  }
}

export const allocateCommand: Command = {
  name: 'allocate',
  summary: "pick free addresses from a pool and write them into the holder's YAML (a small reviewable diff)",
  synopsis: '--pool POOL [--count N] --to vm/NAME[/INTERFACE] | server/NAME[/INTERFACE] [--repo DIR] [--path PATH] [--json]',
  options: {
    ...EDIT_OPTIONS,
    ...STATE_OPTIONS,
    pool: { type: 'string', valueName: 'POOL', description: 'the IPPool to allocate from' },
    count: { type: 'string', valueName: 'N', description: 'how many addresses (default 1)' },
    to: { type: 'string', valueName: 'ADDRESS', description: 'the holder: vm/NAME[/INTERFACE] or server/NAME[/INTERFACE]' },
    json: { type: 'boolean', description: 'print the result as one JSON object' },
  },
  async run(args, io) {
    const pool = stringOption(args, 'pool');
    const to = stringOption(args, 'to');
    if (!pool) throw new UsageError('--pool is required', allocateCommand);
    if (!to) throw new UsageError('--to is required', allocateCommand);
    const count = integerOption(args, 'count', 1) ?? 1;
    // Allocation edits files, so it always works on the work tree.
    const snapshot = await readInventoryFromArgs({ ...args, values: { ...args.values, worktree: true } }, io);
    const json = booleanOption(args, 'json');
    const validation = validateInventory(snapshot);
    const seenInUse = await recentlySeenAddresses(args, io, snapshot, validation.state);
    if (Array.isArray(seenInUse)) {
      io.stderr.write(json ? renderDiagnosticsJsonLines(seenInUse) : renderDiagnosticsHuman(seenInUse));
      return EXIT_ERROR;
    }
    const result = planAllocation(snapshot, { pool, count, to, seenInUse }, validation);
    if ('diagnostics' in result) {
      io.stderr.write(json ? renderDiagnosticsJsonLines(result.diagnostics) : renderDiagnosticsHuman(result.diagnostics));
      return EXIT_ERROR;
    }
    const problems = checkAllocation(snapshot, result);
    if (problems.length > 0) {
      throw new InternalError(`the edited ${result.file} would not validate: ${problems.map((p) => p.summary).join('; ')}`);
    }
    const path = join(snapshot.rootDir, result.file);
    // Write beside the file and rename: a crash never leaves a half-written inventory file.
    await writeFile(`${path}.pytin-tmp`, result.text, 'utf8');
    await rename(`${path}.pytin-tmp`, path);
    if (json) io.stdout.write(JSON.stringify({ addresses: result.addresses, pool: result.pool, holder: result.holder, file: result.file }) + '\n');
    else io.stdout.write(`Allocated ${result.addresses.join(', ')} from pool "${result.pool}" to ${result.holder} (${result.at}).\n`);
    return EXIT_OK;
  },
};
