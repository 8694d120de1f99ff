import type { InventoryCache } from '../../../inventory/cache/inventory-cache.js';
import { countBySeverity, formatDiagnostic, hasErrors } from '../../../inventory/core/diagnostic.js';
import type { DesiredState } from '../../../inventory/model/desired-state.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { KIND_NAMES, KINDS } from '../../../schemas/kinds.js';
import { describeRevision, plural, renderDiagnosticsHuman, renderDiagnosticsJsonLines, severitySummary } from '../../render/diagnostics.js';
import { openInventoryCache } from '../../session/inventory-cache-file.js';
import { booleanOption, type Command, type CommandIO, type ParsedCommandArgs } from '../command.js';
import { EXIT_ERROR, EXIT_OK } from '../exit-codes.js';
import { INVENTORY_OPTIONS, readInventoryFromArgs } from '../inventory-options.js';
import { CACHE_OPTIONS, operatorConfigFrom, STATE_OPTIONS, statePathsFrom } from '../state-options.js';

function resourceCounts(state: DesiredState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of KIND_NAMES) counts[KINDS[kind].addressPrefix] = 0;
  for (const resource of state.resources.values()) counts[KINDS[resource.kind].addressPrefix]! += 1;
  counts.ip = state.ipHoldings.size;
  return counts;
}

/** The inventory cache of the state folder the configuration names (validate needs no other
 * state). A configuration that cannot be read costs only the cache: validate checks the inventory,
 * and says on stderr why this run is cold. */
async function inventoryCacheFor(args: ParsedCommandArgs, io: CommandIO, inventoryRoot: string): Promise<InventoryCache | undefined> {
  if (booleanOption(args, 'no-cache')) return undefined;
  const operator = operatorConfigFrom(args, io);
  if (Array.isArray(operator)) {
    io.stderr.write(`pytin: the inventory cache is not used: ${operator.map(formatDiagnostic).join('; ')}\n`);
    return undefined;
  }
  return openInventoryCache(statePathsFrom(args, io, operator, inventoryRoot), inventoryRoot);
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check the inventory: YAML, schemas and cross-object rules, every problem at once',
  synopsis: '[--repo DIR] [--path PATH] [--ref REV | --worktree] [--json] [--config FILE] [--no-cache]',
  options: {
    ...INVENTORY_OPTIONS,
    ...STATE_OPTIONS,
    ...CACHE_OPTIONS,
    json: { type: 'boolean', description: 'print JSON lines: one per diagnostic, then a summary' },
  },
  async run(args, io) {
    const snapshot = await readInventoryFromArgs(args, io);
    const cache = await inventoryCacheFor(args, io, snapshot.rootDir);
    const { state, diagnostics } = validateInventory(snapshot, { cache });
    cache?.save();
    const failed = hasErrors(diagnostics);
    const counts = resourceCounts(state);
    if (booleanOption(args, 'json')) {
      io.stdout.write(renderDiagnosticsJsonLines(diagnostics));
      io.stdout.write(
        JSON.stringify({ type: 'summary', valid: !failed, revision: snapshot.revision, ...countBySeverity(diagnostics), resources: counts }) + '\n',
      );
    } else {
      io.stdout.write(renderDiagnosticsHuman(diagnostics));
      const listed = Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([prefix, n]) => `${n} ${prefix}`)
        .join(', ');
      io.stdout.write(
        `${failed ? 'Invalid' : 'Valid'}: ${describeRevision(snapshot.revision)}: ${plural(state.resources.size, 'resource')}${listed ? ` (${listed})` : ''}; ${severitySummary(diagnostics)}.\n`,
      );
    }
    return failed ? EXIT_ERROR : EXIT_OK;
  },
};
