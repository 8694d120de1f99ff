import { reportPerUserSeries, reportSeries, type SeriesReport, seriesReportToJson } from '../../../backup/backup-list.js';
import type { NewestArchiveResult } from '../../../backup/newest-archive-check.js';
import { describeIndexes } from '../../../backup/series/index-ranges.js';
import { booleanOption, type Command, UsageError } from '../../command.js';
import { EXIT_ERROR, EXIT_OK } from '../../exit-codes.js';
import { formatBytes, JSON_OPTION, NAME_OPTION, printDiagnostics, requiredPath, seriesName, TARGET_OPTION, USER_OPTION, userOption } from './backup-common.js';

export const backupListCommand: Command = {
  name: 'backup list',
  summary: 'show the archives of a series, what the next runs prune, the lock and the last run',
  synopsis: '--target DIR --name NAME [--user USER | --per-user] [--verify-newest] [--json]',
  options: {
    target: TARGET_OPTION,
    name: NAME_OPTION,
    user: USER_OPTION,
    'per-user': { type: 'boolean', description: 'list the series of every user directory under TARGET' },
    'verify-newest': { type: 'boolean', description: "read each series' newest archive back and compare its sha256 with the recorded one" },
    json: JSON_OPTION,
  },
  async run(args, io) {
    const target = requiredPath(args, 'target', this, io);
    const name = seriesName(args, this);
    const user = userOption(args, this);
    const perUser = booleanOption(args, 'per-user');
    if (user !== undefined && perUser) throw new UsageError('give at most one of --user and --per-user', this);
    const options = { verifyNewest: booleanOption(args, 'verify-newest') };
    const reports = perUser ? await reportPerUserSeries(target, name, options) : [await reportSeries(target, name, user, new Date(), options)];
    const failed = reports.some((r) => r.diagnostics.some((d) => d.severity === 'error'));
    if (booleanOption(args, 'json')) {
      io.stdout.write(`${JSON.stringify({ schemaVersion: 1, generatedAt: new Date().toISOString(), series: reports.map(seriesReportToJson) }, null, 2)}\n`);
    } else {
      if (perUser && reports.length === 0) io.stdout.write(`no per-user series "${name}" under ${target}\n`);
      io.stdout.write(reports.map(renderSeries).join('\n'));
    }
    for (const r of reports) printDiagnostics(io, r.diagnostics);
    return failed ? EXIT_ERROR : EXIT_OK;
  },
};

const NEWEST_RESULT_TEXT: Record<NewestArchiveResult, string> = {
  ok: 'size and sha256 as recorded',
  missing: 'MISSING',
  unsafe: 'NOT A REGULAR FILE (a link?)',
  size: 'SIZE CHANGED since it was made',
  checksum: 'SHA256 CHANGED since it was made',
};

/** The human view, rendered from the same report `--json` prints. */
export function renderSeries(r: SeriesReport): string {
  const lines = [`${r.address} in ${r.target}`];
  if (!r.exists) {
    lines.push('  no archives');
  } else {
    lines.push(`  iterations ${r.iterations}, keep ${r.keepSequences} sequence(s) besides the current one`);
    lines.push(
      `  current index ${r.currentIndex || 'none'}; the next run makes ${r.next.index} (${r.next.kind})${r.next.prunes.length ? ` and prunes ${describeIndexes(r.next.prunes)}` : ''}`,
    );
    lines.push('  INDEX  KIND         SIZE        CREATED                   PRUNED BY RUN  SHA256');
    for (const a of r.archives) {
      lines.push(
        `  ${String(a.index).padStart(5)}  ${a.kind.padEnd(11)}  ${formatBytes(a.sizeBytes).padStart(10)}  ${a.createdAt.padEnd(24)}  ${String(a.prunedWhenIndex).padStart(13)}  ${a.sha256.slice(0, 16)}${a.present ? '' : '  MISSING'}${a.tarExitStatus === 1 ? '  (files changed during the run)' : ''}`,
      );
    }
    lines.push(`  total ${formatBytes(r.totalBytes)} in ${r.archives.length} archive(s)`);
    if (r.newestArchive) lines.push(`  newest archive ${r.newestArchive.index} read back: ${NEWEST_RESULT_TEXT[r.newestArchive.result]}`);
  }
  lines.push(
    r.lock
      ? `  lock: held by pid ${r.lock.pid} on ${r.lock.host} since ${r.lock.startedAt} (${r.lock.ageSeconds ?? '?'} s, ${r.lock.liveness})`
      : '  lock: free',
  );
  lines.push(
    r.lastRun
      ? `  last run: ${r.lastRun.result} at ${r.lastRun.finishedAt}${r.lastRun.index !== null ? `, index ${r.lastRun.index} (${r.lastRun.kind})` : ''}, ${(r.lastRun.durationMs / 1000).toFixed(1)} s${r.lastRun.errors.length ? ` — ${r.lastRun.errors[0]}` : ''}`
      : '  last run: never',
  );
  return `${lines.join('\n')}\n`;
}
