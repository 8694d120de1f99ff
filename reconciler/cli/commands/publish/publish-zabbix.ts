import { hostname } from 'node:os';

import type { Diagnostic } from '../../../../inventory/core/diagnostic.js';
import type { ChangeOutcome } from '../../../apply/apply-plan.js';
import { zabbixDriver } from '../../../drivers/zabbix/zabbix-driver.js';
import { zabbixConnectionOf, zabbixSubject } from '../../../drivers/zabbix/zabbix-settings.js';
import { renderDiagnosticsHuman, renderDiagnosticsJsonLines } from '../../../render/diagnostics.js';
import { planMessages } from '../../../render/plan-json.js';
import { applyInSession } from '../../../session/apply-session.js';
import { openSession } from '../../../session/open-session.js';
import { planInSession } from '../../../session/plan-session.js';
import { booleanOption, type Command, type CommandIO } from '../../command.js';
import { EXIT_ERROR, EXIT_OK, type ExitCode } from '../../exit-codes.js';
import { PLAN_RUN_OPTIONS, safetyPolicyFrom, sessionOptionsFrom } from '../../plan-options.js';
import { outcomeJson, outcomeLine } from '../apply.js';
import { renderPlan } from '../plan.js';

function report(io: CommandIO, json: boolean, diagnostics: Diagnostic[]): void {
  io.stderr.write(json ? renderDiagnosticsJsonLines(diagnostics) : renderDiagnosticsHuman(diagnostics));
}

/** `pytin publish zabbix`: reads the Zabbix of the trusted settings, plans with the Zabbix driver
 * only and applies that (under the apply lock, recorded like any apply). `--dry-run` stops after
 * the plan. Nothing else is observed or changed. */
export const publishZabbixCommand: Command = {
  name: 'publish zabbix',
  summary: 'publish the inventory to Zabbix (host groups, hosts, templates) and nothing else; --dry-run shows the plan only',
  synopsis: '[--dry-run] [--json] [--allow-mass-destroy] [--repo DIR] [--path PATH] [--ref REV]',
  options: {
    ...PLAN_RUN_OPTIONS,
    'dry-run': { type: 'boolean', description: 'read Zabbix and show the plan; change nothing' },
    json: { type: 'boolean', description: 'JSON lines: the plan, one line per change outcome, a summary' },
  },
  async run(args, io): Promise<ExitCode> {
    const json = booleanOption(args, 'json');
    const options = sessionOptionsFrom(args, io, 1);
    if (Array.isArray(options)) {
      report(io, json, options);
      return EXIT_ERROR;
    }
    const opened = await openSession({ ...options, drivers: [zabbixDriver] });
    if ('failed' in opened) {
      report(io, json, opened.failed);
      return EXIT_ERROR;
    }
    const { session } = opened;
    try {
      const connection = zabbixConnectionOf(session.connections);
      if (!connection) {
        report(io, json, [
          { severity: 'error', code: 'APPLY_ZABBIX_SETUP', summary: 'the trusted inventory has no ZabbixConnection: there is nothing to publish to' },
        ]);
        return EXIT_ERROR;
      }
      // Only the Zabbix connection's own setup matters here (a host's missing SSH key does not).
      const setup = session.setupDiagnostics.filter((d) => d.severity === 'error' && d.address === connection.address);
      if (setup.length > 0) {
        report(io, json, setup);
        return EXIT_ERROR;
      }
      // Plan from a fresh read: a publish never acts on what Zabbix looked like an hour ago.
      const [read] = await session.observe(new Set([zabbixSubject(connection.name)]));
      if (!read?.ok) {
        report(io, json, read?.diagnostics ?? []);
        return EXIT_ERROR;
      }
      const safety = safetyPolicyFrom(args);
      const render = (plan: Parameters<typeof renderPlan>[0]) =>
        json
          ? planMessages(plan)
              .map((m) => JSON.stringify(m) + '\n')
              .join('')
          : renderPlan(plan, 'human', io);
      if (booleanOption(args, 'dry-run')) {
        const { plan } = await planInSession(session, { refresh: false, safety });
        io.stdout.write(render(plan));
        return plan.diagnostics.some((d) => d.severity === 'error') ? EXIT_ERROR : EXIT_OK;
      }
      const result = await applyInSession(session, {
        refresh: false,
        safety,
        parallelism: 1,
        lockTimeoutSeconds: 0,
        holder: { name: `${io.env.USER ?? 'pytin'}@${hostname()}`, host: hostname(), pid: process.pid },
        onPlan: (plan) => io.stdout.write(render(plan)),
        onOutcome: (o) => io.stdout.write(json ? outcomeJson(o) : outcomeLine(o)),
      });
      if (!result.applied) {
        report(io, json, result.diagnostics);
        return EXIT_ERROR;
      }
      const count = (status: ChangeOutcome['status']) => result.outcomes.filter((o) => o.status === status).length;
      io.stdout.write(
        json
          ? JSON.stringify({ type: 'apply_summary', applied: count('applied'), failed: count('failed'), skipped: count('skipped'), run: result.runId }) + '\n'
          : `Publish ${result.ok ? 'complete' : 'finished with failures'}: ${count('applied')} applied, ${count('failed')} failed, ${count('skipped')} skipped.\n`,
      );
      return result.ok ? EXIT_OK : EXIT_ERROR;
    } finally {
      await session.close();
    }
  },
};
