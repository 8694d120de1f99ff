import { hasErrors } from '../../../inventory/core/diagnostic.js';
import { diagnosticToJson } from '../../../inventory/core/diagnostic.js';
import type { ObservationResult } from '../../observe/observe-inventory.js';
import { describeRevision, plural, renderDiagnosticsHuman, renderDiagnosticsJsonLines } from '../../render/diagnostics.js';
import { openSession } from '../../session/open-session.js';
import { maintainUsage } from '../../usage/maintain-usage.js';
import { booleanOption, type Command, type CommandIO, integerOption, type ParsedCommandArgs, stringOption, UsageError } from '../command.js';
import { EXIT_ERROR, EXIT_OK, type ExitCode } from '../exit-codes.js';
import { INVENTORY_OPTIONS } from '../inventory-options.js';
import { sessionOptionsFrom } from '../plan-options.js';
import { ProgressLine } from '../progress-line.js';
import { CACHE_OPTIONS, STATE_OPTIONS } from '../state-options.js';
import { observeOnSchedule, parseEvery } from './observe-every.js';

export const DEFAULT_OBSERVE_PARALLELISM = 16;

function printResult(io: CommandIO, json: boolean, result: ObservationResult): void {
  if (json) {
    io.stdout.write(
      JSON.stringify({
        type: 'observation',
        source: result.source,
        subject: result.subject,
        address: result.address,
        ok: result.ok,
        durationMs: result.durationMs,
        storeMs: result.storeMs ?? null,
        summary: result.summary,
        diagnostics: result.diagnostics.map(diagnosticToJson),
      }) + '\n',
    );
    return;
  }
  io.stdout.write(`${result.ok ? 'ok  ' : 'FAIL'} ${result.address.padEnd(24)} ${result.summary} (${(result.durationMs / 1000).toFixed(1)} s)\n`);
  if (result.diagnostics.length) io.stdout.write(renderDiagnosticsHuman(result.diagnostics).trimEnd().replace(/^/gm, '       ') + '\n');
}

async function observeOnce(args: ParsedCommandArgs, io: CommandIO): Promise<ExitCode> {
  const only = stringOption(args, 'only');
  if (only !== undefined && only !== 'snmp' && only !== 'hosts') throw new UsageError(`--only must be snmp or hosts, got "${only}"`, observeCommand);
  const parallelism = integerOption(args, 'parallelism', 1) ?? DEFAULT_OBSERVE_PARALLELISM;
  const json = booleanOption(args, 'json');
  const options = sessionOptionsFrom(args, io, parallelism);
  const opened = Array.isArray(options) ? { failed: options } : await openSession(options);
  if ('failed' in opened) {
    io.stdout.write(json ? renderDiagnosticsJsonLines(opened.failed) : renderDiagnosticsHuman(opened.failed));
    io.stderr.write('pytin: cannot observe: see the diagnostics above (pytin validate checks the inventory).\n');
    return EXIT_ERROR;
  }
  const { session } = opened;
  const { snapshot, storePath } = session;
  const servers = [...session.hosts.keys()];
  let names = new Set([...(only === 'hosts' ? [] : session.switches), ...(only === 'snmp' ? [] : servers)]);
  const wanted = args.values.device as string[] | undefined;
  if (wanted) {
    const unknown = wanted.filter((w) => !names.has(w));
    if (unknown.length) {
      await session.close();
      throw new UsageError(`--device ${unknown.join(', ')}: no such switch or server with snmp/ssh settings`, observeCommand);
    }
    names = new Set(wanted);
  }
  const setupDiagnostics = session.setupDiagnostics;
  const progress = new ProgressLine(io, names.size, 'observing');
  let results: ObservationResult[];
  try {
    if (setupDiagnostics.length) io.stdout.write(json ? renderDiagnosticsJsonLines(setupDiagnostics) : renderDiagnosticsHuman(setupDiagnostics));
    results = await session.observe(names, (result) => {
      progress.clear();
      printResult(io, json, result);
      progress.advance(result.subject);
    });
    // The new counter samples into usage buckets, and old usage data out (the operator's retention).
    if (!Array.isArray(options)) await maintainUsage(session.store, options.operator.usage, Date.now());
  } finally {
    progress.clear();
    await session.close();
  }
  const failed = results.filter((r) => !r.ok);
  const ok = failed.length === 0 && !hasErrors(setupDiagnostics);
  if (json) {
    io.stdout.write(
      JSON.stringify({ type: 'summary', ok, observed: results.length, failed: failed.map((r) => r.address), store: storePath, revision: snapshot.revision }) +
        '\n',
    );
  } else {
    io.stdout.write(
      `${ok ? 'Observed' : 'Observed with failures'}: ${plural(results.filter((r) => r.source === 'snmp').length, 'switch').replace(
        'switchs',
        'switches',
      )} and ${plural(results.filter((r) => r.source === 'host').length, 'host')} of ${describeRevision(snapshot.revision)}; ${plural(failed.length, 'failure')}${failed.length ? ` (${failed.map((r) => r.address).join(', ')})` : ''}. Facts stored in ${storePath}.\n`,
    );
  }
  return ok ? EXIT_OK : EXIT_ERROR;
}

export const observeCommand: Command = {
  name: 'observe',
  summary: 'observe every switch (SNMP) and host (SSH) of the inventory and store what they show',
  synopsis:
    '[--every 5m] [--only snmp|hosts] [--device NAME] [--parallelism N] [--trust-new-hosts] [--store FILE] [--repo DIR] [--path PATH] [--ref REV | --worktree] [--json]',
  options: {
    ...INVENTORY_OPTIONS,
    ...STATE_OPTIONS,
    ...CACHE_OPTIONS,
    only: { type: 'string', valueName: 'snmp|hosts', description: 'observe only the switches or only the hosts' },
    device: { type: 'string', valueName: 'NAME', description: 'observe only this switch or server', multiple: true },
    parallelism: { type: 'string', valueName: 'N', description: `devices and hosts observed at once (default ${DEFAULT_OBSERVE_PARALLELISM})` },
    'trust-new-hosts': { type: 'boolean', description: 'record the SSH host key of hosts seen for the first time (a changed key is always refused)' },
    json: { type: 'boolean', description: 'print JSON lines: one per device or host, then a summary' },
    every: {
      type: 'string',
      valueName: '5m',
      description: 'keep observing on wall-clock boundaries (5m: :00, :05, ... UTC), one run at a time; SIGTERM finishes the current walk and exits 0',
    },
  },
  async run(args, io) {
    const every = stringOption(args, 'every');
    if (every === undefined) return observeOnce(args, io);
    const intervalMs = parseEvery(every);
    if (typeof intervalMs === 'string') throw new UsageError(intervalMs, observeCommand);
    return observeOnSchedule(io, intervalMs, () => observeOnce(args, io));
  },
};
