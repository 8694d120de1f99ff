import { countBySeverity, hasErrors } from '../../../inventory/core/diagnostic.js';
import type { DesiredState } from '../../../inventory/model/desired-state.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { KIND_NAMES, KINDS } from '../../../schemas/kinds.js';
import { describeRevision, plural, renderDiagnosticsHuman, renderDiagnosticsJsonLines, severitySummary } from '../../render/diagnostics.js';
import { booleanOption, type Command } from '../command.js';
import { EXIT_ERROR, EXIT_OK } from '../exit-codes.js';
import { INVENTORY_OPTIONS, readInventoryFromArgs } from '../inventory-options.js';

function resourceCounts(state: DesiredState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of KIND_NAMES) counts[KINDS[kind].addressPrefix] = 0;
  for (const resource of state.resources.values()) counts[KINDS[resource.kind].addressPrefix]! += 1;
  counts.ip = state.ipHoldings.size;
  return counts;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check the inventory: YAML, schemas and cross-object rules, every problem at once',
  synopsis: '[--repo DIR] [--path PATH] [--ref REV | --worktree] [--json]',
  options: {
    ...INVENTORY_OPTIONS,
    json: { type: 'boolean', description: 'print JSON lines: one per diagnostic, then a summary' },
  },
  async run(args, io) {
    const snapshot = await readInventoryFromArgs(args, io);
    const { state, diagnostics } = validateInventory(snapshot);
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
