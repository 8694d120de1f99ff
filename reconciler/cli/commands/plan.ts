import { resolve } from 'node:path';

import type { ObservationResult } from '../../observe/observe-inventory.js';
import type { Plan } from '../../plan/plan.js';
import { summarize } from '../../plan/plan.js';
import { canApply } from '../../plan/safety.js';
import { renderDiagnosticsHuman, renderDiagnosticsJsonLines } from '../../render/diagnostics.js';
import { renderPlanHuman, styleFor } from '../../render/plan-human.js';
import { planMessages, renderPlanJsonLines } from '../../render/plan-json.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { planView } from '../../render/plan-view.js';
import { writeSavedPlan } from '../../session/plan-file.js';
import { planInSession } from '../../session/plan-session.js';
import { booleanOption, type Command, type CommandIO, integerOption, type ParsedCommandArgs, stringOption, UsageError } from '../command.js';
import { EXIT_CHANGES, EXIT_ERROR, EXIT_INCOMPLETE, EXIT_OK, type ExitCode } from '../exit-codes.js';
import { openSessionFrom, PLAN_RUN_OPTIONS, safetyPolicyFrom } from '../plan-options.js';
import { DEFAULT_OBSERVE_PARALLELISM } from './observe.js';

export type PlanFormat = 'human' | 'json' | 'markdown';

export function planFormat(args: ParsedCommandArgs, command: Command): PlanFormat {
  const format = stringOption(args, 'format') ?? (booleanOption(args, 'json') ? 'json' : 'human');
  if (format !== 'human' && format !== 'json' && format !== 'markdown')
    throw new UsageError(`--format must be human, json or markdown, got "${format}"`, command);
  return format;
}

export function renderPlan(plan: Plan, format: PlanFormat, io: CommandIO): string {
  const messages = planMessages(plan);
  switch (format) {
    case 'json':
      return renderPlanJsonLines(messages);
    case 'markdown':
      return renderPlanMarkdown(messages);
    case 'human':
      return renderPlanHuman(messages, styleFor(io.isTTY, io.env));
  }
}

/** A refresh that could not reach a device says so on stderr; the plan says what it lacks. */
export function reportRefreshFailure(io: CommandIO, result: ObservationResult): void {
  if (!result.ok) io.stderr.write(`pytin: refresh: ${result.address}: ${result.diagnostics.find((d) => d.severity === 'error')?.summary ?? 'failed'}\n`);
}

/** `--detailed-exitcode`: 2 changes (whatever else), 3 nothing to change but part of the inventory
 * not compared (the plan's verdict "incomplete"), 0 only when everything was compared and matches. */
export function detailedExitCode(plan: Plan): ExitCode {
  const { add, change, destroy } = summarize(plan);
  if (add + change + destroy > 0) return EXIT_CHANGES;
  return planView(planMessages(plan)).verdict === 'incomplete' ? EXIT_INCOMPLETE : EXIT_OK;
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'compare the inventory with what was observed and show the changes and the drift',
  synopsis: '[--refresh] [--out FILE] [--json | --format human|json|markdown] [--detailed-exitcode] [--repo DIR] [--path PATH] [--ref REV | --worktree]',
  options: {
    ...PLAN_RUN_OPTIONS,
    out: { type: 'string', valueName: 'FILE', description: 'save the plan, bound to the commit and the facts, for pytin apply FILE' },
    json: { type: 'boolean', description: 'JSON lines (same as --format json)' },
    format: { type: 'string', valueName: 'FORMAT', description: 'human (default), json (JSON lines), markdown (a pull-request comment)' },
    'detailed-exitcode': {
      type: 'boolean',
      description: 'exit 2 when the plan has changes, 3 when it has none but could not compare part of the inventory, 0 only when in sync (1 error)',
    },
  },
  async run(args, io): Promise<ExitCode> {
    const format = planFormat(args, planCommand);
    const parallelism = integerOption(args, 'parallelism', 1) ?? DEFAULT_OBSERVE_PARALLELISM;
    const opened = await openSessionFrom(args, io, parallelism);
    if ('failed' in opened) {
      io.stdout.write(format === 'json' ? renderDiagnosticsJsonLines(opened.failed) : renderDiagnosticsHuman(opened.failed));
      return EXIT_ERROR;
    }
    const { session } = opened;
    try {
      const { plan } = await planInSession(session, {
        refresh: booleanOption(args, 'refresh'),
        safety: safetyPolicyFrom(args),
        onRefreshResult: (r) => reportRefreshFailure(io, r),
      });
      io.stdout.write(renderPlan(plan, format, io));
      const out = stringOption(args, 'out');
      if (out !== undefined) {
        await writeSavedPlan(resolve(io.cwd, out), plan);
        if (format === 'human') io.stdout.write(`Saved the plan to ${out}; apply it with: pytin apply ${out}\n`);
      }
      if (!canApply(plan)) return EXIT_ERROR;
      return booleanOption(args, 'detailed-exitcode') ? detailedExitCode(plan) : EXIT_OK;
    } finally {
      await session.close();
    }
  },
};
