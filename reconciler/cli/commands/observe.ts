import { hasErrors, type Diagnostic } from '../../../inventory/core/diagnostic.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { hostTargets } from '../../observe/host-targets.js';
import { observeInventory, type ObservationResult, type ObservationSubject } from '../../observe/observe-inventory.js';
import { snmpTargets } from '../../observe/snmp-targets.js';
import { openStore } from '../../store/open-store.js';
import { StoreRefusedError } from '../../store/store-error.js';
import { SshPool } from '../../transports/ssh/ssh-pool.js';
import { describeRevision, plural, renderDiagnosticsHuman, renderDiagnosticsJsonLines } from '../../render/diagnostics.js';
import { diagnosticToJson } from '../../../inventory/core/diagnostic.js';
import { booleanOption, integerOption, stringOption, UsageError, type Command, type CommandIO } from '../command.js';
import { EXIT_ERROR, EXIT_OK } from '../exit-codes.js';
import { INVENTORY_OPTIONS, readInventoryFromArgs } from '../inventory-options.js';
import { knownHostsPathFor, STORE_OPTIONS, storePathFrom } from '../store-options.js';
import { ProgressLine } from '../progress-line.js';

export const DEFAULT_OBSERVE_PARALLELISM = 16;

function printResult(io: CommandIO, json: boolean, result: ObservationResult): void {
  if (json) {
    io.stdout.write(JSON.stringify({ type: 'observation', source: result.source, subject: result.subject, address: result.address, ok: result.ok, durationMs: result.durationMs, summary: result.summary, diagnostics: result.diagnostics.map(diagnosticToJson) }) + '\n');
    return;
  }
  io.stdout.write(`${result.ok ? 'ok  ' : 'FAIL'} ${result.address.padEnd(24)} ${result.summary} (${(result.durationMs / 1000).toFixed(1)} s)\n`);
  if (result.diagnostics.length) io.stdout.write(renderDiagnosticsHuman(result.diagnostics).trimEnd().replace(/^/gm, '       ') + '\n');
}

export const observeCommand: Command = {
  name: 'observe',
  summary: 'observe every switch (SNMP) and host (SSH) of the inventory and store what they show',
  synopsis: '[--only snmp|hosts] [--device NAME] [--parallelism N] [--trust-new-hosts] [--store FILE] [--repo DIR] [--path PATH] [--ref REV | --worktree] [--json]',
  options: {
    ...INVENTORY_OPTIONS,
    ...STORE_OPTIONS,
    only: { type: 'string', valueName: 'snmp|hosts', description: 'observe only the switches or only the hosts' },
    device: { type: 'string', valueName: 'NAME', description: 'observe only this switch or server', multiple: true },
    parallelism: { type: 'string', valueName: 'N', description: `devices and hosts observed at once (default ${DEFAULT_OBSERVE_PARALLELISM})` },
    'trust-new-hosts': { type: 'boolean', description: 'record the SSH host key of hosts seen for the first time (a changed key is always refused)' },
    json: { type: 'boolean', description: 'print JSON lines: one per device or host, then a summary' },
  },
  async run(args, io) {
    const only = stringOption(args, 'only');
    if (only !== undefined && only !== 'snmp' && only !== 'hosts') throw new UsageError(`--only must be snmp or hosts, got "${only}"`, observeCommand);
    const parallelism = integerOption(args, 'parallelism', 1) ?? DEFAULT_OBSERVE_PARALLELISM;
    const json = booleanOption(args, 'json');
    const snapshot = await readInventoryFromArgs(args, io);
    const validation = validateInventory(snapshot);
    if (hasErrors(validation.diagnostics)) {
      io.stdout.write(json ? renderDiagnosticsJsonLines(validation.diagnostics) : renderDiagnosticsHuman(validation.diagnostics));
      io.stderr.write('pytin: the inventory has errors; fix them before observing (see pytin validate).\n');
      return EXIT_ERROR;
    }
    const { state } = validation;
    const secrets = { env: io.env, baseDir: snapshot.rootDir };
    const devices = only === 'hosts' ? { devices: [], diagnostics: [] } : snmpTargets(state, secrets);
    const hosts = only === 'snmp' ? { hosts: [], diagnostics: [] } : hostTargets(state, snapshot.rootDir);
    const wanted = args.values.device as string[] | undefined;
    let subjects: ObservationSubject[] = [...devices.devices.map((device) => ({ source: 'snmp' as const, device })), ...hosts.hosts.map((host) => ({ source: 'host' as const, host }))];
    if (wanted) {
      const name = (s: ObservationSubject) => (s.source === 'snmp' ? s.device.name : s.host.name);
      const unknown = wanted.filter((w) => !subjects.some((s) => name(s) === w));
      if (unknown.length) throw new UsageError(`--device ${unknown.join(', ')}: no such switch or server with snmp/ssh settings`, observeCommand);
      subjects = subjects.filter((s) => wanted.includes(name(s)));
    }
    const setupDiagnostics: Diagnostic[] = [...devices.diagnostics, ...hosts.diagnostics];
    const storePath = storePathFrom(args, io, state, snapshot.rootDir);
    let store;
    try {
      store = await openStore(storePath);
    } catch (error) {
      if (error instanceof StoreRefusedError) {
        io.stderr.write(renderDiagnosticsHuman([error.diagnostic]));
        return EXIT_ERROR;
      }
      throw error;
    }
    const pool = new SshPool({ knownHostsPath: knownHostsPathFor(storePath), trustNewHosts: booleanOption(args, 'trust-new-hosts') });
    const progress = new ProgressLine(io, subjects.length, 'observing');
    let results: ObservationResult[];
    try {
      if (setupDiagnostics.length) io.stdout.write(json ? renderDiagnosticsJsonLines(setupDiagnostics) : renderDiagnosticsHuman(setupDiagnostics));
      results = await observeInventory(subjects, {
        store,
        pool,
        parallelism,
        onResult: (result) => {
          progress.clear();
          printResult(io, json, result);
          progress.advance(result.subject);
        },
      });
    } finally {
      progress.clear();
      await pool.close();
      await store.close();
    }
    const failed = results.filter((r) => !r.ok);
    const ok = failed.length === 0 && !hasErrors(setupDiagnostics);
    if (json) {
      io.stdout.write(JSON.stringify({ type: 'summary', ok, observed: results.length, failed: failed.map((r) => r.address), store: storePath, revision: snapshot.revision }) + '\n');
    } else {
      io.stdout.write(
        `${ok ? 'Observed' : 'Observed with failures'}: ${plural(results.filter((r) => r.source === 'snmp').length, 'switch')
          .replace('switchs', 'switches')} and ${plural(results.filter((r) => r.source === 'host').length, 'host')} of ${describeRevision(snapshot.revision)}; ${plural(failed.length, 'failure')}${failed.length ? ` (${failed.map((r) => r.address).join(', ')})` : ''}. Facts stored in ${storePath}.\n`,
      );
    }
    return ok ? EXIT_OK : EXIT_ERROR;
  },
};
