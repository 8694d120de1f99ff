import { hostname } from 'node:os';
import { resolve } from 'node:path';

import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { ChangeOutcome } from '../../apply/apply-plan.js';
import { changeTarget, describeTarget } from '../../plan/change.js';
import { renderDiagnosticsHuman, renderDiagnosticsJsonLines } from '../../render/diagnostics.js';
import { planMessages } from '../../render/plan-json.js';
import { applyInSession } from '../../session/apply-session.js';
import { readSavedPlan } from '../../session/plan-file.js';
import { booleanOption, type Command, type CommandIO, integerOption, UsageError } from '../command.js';
import { EXIT_ERROR, EXIT_OK, type ExitCode } from '../exit-codes.js';
import { openSessionFrom, PLAN_RUN_OPTIONS, safetyPolicyFrom } from '../plan-options.js';
import { renderPlan } from './plan.js';

export const DEFAULT_APPLY_PARALLELISM = 10;

function report(io: CommandIO, json: boolean, diagnostics: Diagnostic[]): void {
  io.stderr.write(json ? renderDiagnosticsJsonLines(diagnostics) : renderDiagnosticsHuman(diagnostics));
}

function firstError(o: ChangeOutcome): Diagnostic | undefined {
  return o.outcome.diagnostics.find((d) => d.severity === 'error');
}

export function outcomeLine(o: ChangeOutcome): string {
  const status = o.status === 'applied' ? 'applied' : o.status === 'failed' ? 'FAILED ' : 'skipped';
  const error = firstError(o);
  return `${status} ${o.change.action.padEnd(7)} ${o.change.address} on ${describeTarget(changeTarget(o.change))}${error ? `: ${error.code}: ${error.summary.split('\n')[0]}` : ''}\n`;
}

export function outcomeJson(o: ChangeOutcome): string {
  const error = firstError(o);
  return (
    JSON.stringify({
      type: 'change_outcome',
      address: o.change.address,
      action: o.change.action,
      host: o.change.host ?? null,
      service: o.change.service ?? null,
      status: o.status,
      error: error ? `${error.code}: ${error.summary}` : null,
      // Round trips to the host, counted by its SSH runner (null where not counted).
      commands: o.commands,
      diagnostics: o.outcome.diagnostics,
    }) + '\n'
  );
}

export const applyCommand: Command = {
  name: 'apply',
  summary: 'apply a saved plan (refused if the commit or the facts changed), or plan and apply with --auto-approve',
  synopsis:
    '[FILE | --auto-approve] [--parallelism N] [--lock-timeout SECONDS] [--allow-destroy ADDRESS] [--allow-mass-destroy] [--json] [--repo DIR] [--path PATH] [--ref REV]',
  options: {
    ...PLAN_RUN_OPTIONS,
    'auto-approve': { type: 'boolean', description: 'plan and apply in one go (CI on the main branch)' },
    'lock-timeout': { type: 'string', valueName: 'SECONDS', description: 'wait this long for another apply to finish (default 0: refuse at once)' },
    json: { type: 'boolean', description: 'JSON lines: the plan applied, one line per change outcome, a summary' },
  },
  positionals: { min: 0, max: 1, names: 'FILE' },
  async run(args, io): Promise<ExitCode> {
    const file = args.positionals[0];
    const autoApprove = booleanOption(args, 'auto-approve');
    if (file === undefined && !autoApprove) throw new UsageError('give a saved plan (pytin plan --out FILE) or --auto-approve', applyCommand);
    if (file !== undefined && autoApprove) throw new UsageError('a saved plan and --auto-approve exclude each other', applyCommand);
    const json = booleanOption(args, 'json');
    const parallelism = integerOption(args, 'parallelism', 1) ?? DEFAULT_APPLY_PARALLELISM;
    const lockTimeoutSeconds = integerOption(args, 'lock-timeout', 0) ?? 0;
    const saved = file === undefined ? undefined : await readSavedPlan(resolve(io.cwd, file));
    if (saved && 'severity' in saved) {
      report(io, json, [saved]);
      return EXIT_ERROR;
    }
    const opened = await openSessionFrom(args, io, parallelism);
    if ('failed' in opened) {
      report(io, json, opened.failed);
      return EXIT_ERROR;
    }
    const { session } = opened;
    try {
      const result = await applyInSession(session, {
        ...(saved ? { saved } : {}),
        refresh: booleanOption(args, 'refresh'),
        safety: safetyPolicyFrom(args),
        parallelism,
        lockTimeoutSeconds,
        holder: { name: `${io.env.USER ?? 'pytin'}@${hostname()}`, host: hostname(), pid: process.pid },
        onPlan: (plan) =>
          io.stdout.write(
            json
              ? planMessages(plan)
                  .map((m) => JSON.stringify(m) + '\n')
                  .join('')
              : renderPlan(plan, 'human', io),
          ),
        onOutcome: (o) => io.stdout.write(json ? outcomeJson(o) : outcomeLine(o)),
      });
      if (!result.applied) {
        report(io, json, result.diagnostics);
        return EXIT_ERROR;
      }
      if (result.warnings.length) report(io, json, result.warnings);
      const count = (status: ChangeOutcome['status']) => result.outcomes.filter((o) => o.status === status).length;
      if (json)
        io.stdout.write(
          JSON.stringify({ type: 'apply_summary', applied: count('applied'), failed: count('failed'), skipped: count('skipped'), run: result.runId }) + '\n',
        );
      else
        io.stdout.write(
          `Apply ${result.ok ? 'complete' : 'finished with failures'}: ${count('applied')} applied, ${count('failed')} failed, ${count('skipped')} skipped.${result.ok ? '' : ' Run pytin plan to see what is left.'}\n`,
        );
      return result.ok ? EXIT_OK : EXIT_ERROR;
    } finally {
      await session.close();
    }
  },
};
