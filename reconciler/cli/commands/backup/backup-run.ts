import { diagnosticToJson } from '../../../../inventory/core/diagnostic.js';
import { DEFAULT_ITERATIONS, DEFAULT_KEEP_SEQUENCES } from '../../../backup/backup-options.js';
import { type BackupRunResult, runBackup } from '../../../backup/run/backup-run.js';
import { runPerUserBackup } from '../../../backup/run/per-user-run.js';
import { describeIndexes } from '../../../backup/series/index-ranges.js';
import { booleanOption, type Command, integerOption, UsageError } from '../../command.js';
import { EXIT_ERROR, EXIT_OK } from '../../exit-codes.js';
import {
  compressionOption,
  formatBytes,
  JSON_OPTION,
  NAME_OPTION,
  pathOption,
  printDiagnostics,
  requiredPath,
  seriesName,
  TARGET_OPTION,
} from './backup-common.js';

export const backupRunCommand: Command = {
  name: 'backup run',
  summary: 'make the next archive of a GNU tar incremental backup series, then rotate',
  synopsis:
    '(--source DIR | --per-user HOME_DIR) --target DIR --name NAME [--iterations 15] [--keep-sequences 1] [--exclude-from FILE] [--compress gzip|zstd|pigz] [--json]',
  options: {
    source: { type: 'string', valueName: 'DIR', description: 'directory to back up' },
    'per-user': { type: 'string', valueName: 'HOME_DIR', description: 'one series per user directory under HOME_DIR, each in TARGET/<user>' },
    target: TARGET_OPTION,
    name: NAME_OPTION,
    iterations: { type: 'string', valueName: 'N', description: `archives per sequence; a full one every N runs (default ${DEFAULT_ITERATIONS})` },
    'keep-sequences': { type: 'string', valueName: 'K', description: `complete sequences kept besides the current one (default ${DEFAULT_KEEP_SEQUENCES})` },
    'exclude-from': { type: 'string', valueName: 'FILE', description: 'tar exclude patterns, one per line' },
    compress: { type: 'string', valueName: 'ALGO', description: 'gzip (default, the old format), zstd or pigz' },
    json: JSON_OPTION,
  },
  async run(args, io) {
    const source = pathOption(args, 'source', io);
    const home = pathOption(args, 'per-user', io);
    if ((source === undefined) === (home === undefined)) throw new UsageError('give exactly one of --source and --per-user', this);
    const common = {
      target: requiredPath(args, 'target', this, io),
      name: seriesName(args, this),
      iterations: integerOption(args, 'iterations', 1) ?? DEFAULT_ITERATIONS,
      keepSequences: integerOption(args, 'keep-sequences', 0) ?? DEFAULT_KEEP_SEQUENCES,
      compression: compressionOption(args, this),
      ...(pathOption(args, 'exclude-from', io) !== undefined ? { excludeFrom: pathOption(args, 'exclude-from', io) } : {}),
    };
    let results: BackupRunResult[];
    let failedBeforeUsers = false;
    if (home !== undefined) {
      const perUser = await runPerUserBackup({ ...common, home });
      printDiagnostics(io, perUser.diagnostics);
      failedBeforeUsers = perUser.diagnostics.length > 0;
      results = perUser.results;
    } else {
      results = [await runBackup({ ...common, source: source! })];
    }
    const failed = failedBeforeUsers || results.some((r) => r.result === 'failed');
    if (booleanOption(args, 'json')) {
      io.stdout.write(`${JSON.stringify({ ok: !failed, runs: results.map((r) => ({ ...r, diagnostics: r.diagnostics.map(diagnosticToJson) })) }, null, 2)}\n`);
    } else {
      for (const r of results) io.stdout.write(`${describeRun(r)}\n`);
    }
    for (const r of results) printDiagnostics(io, r.diagnostics);
    return failed ? EXIT_ERROR : EXIT_OK;
  },
};

function describeRun(r: BackupRunResult): string {
  if (r.result === 'failed' || r.archive === null) {
    return `${r.address}: FAILED${r.index !== null ? ` to make archive ${r.index}` : ''}; nothing was advanced`;
  }
  const pruned = r.pruned.length > 0 ? `; pruned ${describeIndexes(r.pruned)}` : '';
  const warn = r.result === 'warning' ? ' (with warnings)' : '';
  return `${r.address}: made ${r.archive.file} (${r.archive.kind}, ${formatBytes(r.archive.sizeBytes)}) in ${(r.durationMs / 1000).toFixed(1)} s${pruned}${warn}`;
}
