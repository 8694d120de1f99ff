import { resolve } from 'node:path';

import { type Diagnostic, formatDiagnostic } from '../../../../inventory/core/diagnostic.js';
import { type Compression, COMPRESSIONS, isCompression } from '../../../backup/compression.js';
import { isSeriesName, isUserName } from '../../../backup/series/series-files.js';
import { SERIES_NAME_RULE, USER_NAME_RULE } from '../../../backup/series/series-location.js';
import { type Command, type CommandIO, type OptionSpec, type ParsedCommandArgs, stringOption, UsageError } from '../../command.js';

export const TARGET_OPTION: OptionSpec = { type: 'string', valueName: 'DIR', description: 'directory holding the archives of the series' };
export const NAME_OPTION: OptionSpec = { type: 'string', valueName: 'NAME', description: 'series name: archives are NAME-<n>.tar.gz' };
export const USER_OPTION: OptionSpec = { type: 'string', valueName: 'USER', description: 'a per-user series: the one in TARGET/USER' };
export const JSON_OPTION: OptionSpec = { type: 'boolean', description: 'print JSON instead of text' };

export function requiredString(args: ParsedCommandArgs, name: string, command: Command): string {
  const value = stringOption(args, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`, command);
  return value;
}

/** A path option, resolved against the invocation's working directory (tests run in-process). */
export function pathOption(args: ParsedCommandArgs, name: string, io: CommandIO): string | undefined {
  const value = stringOption(args, name);
  return value === undefined ? undefined : resolve(io.cwd, value);
}

export function requiredPath(args: ParsedCommandArgs, name: string, command: Command, io: CommandIO): string {
  return resolve(io.cwd, requiredString(args, name, command));
}

/** --name: it becomes part of file names, so it is checked before anything else happens. */
export function seriesName(args: ParsedCommandArgs, command: Command): string {
  const name = requiredString(args, 'name', command);
  if (!isSeriesName(name)) throw new UsageError(`--name ${JSON.stringify(name)} ${SERIES_NAME_RULE}`, command);
  return name;
}

/** --user: it names the folder TARGET/USER, so "../x", "/etc" and the like are refused here, before
 * any path is built from it (the engine checks it again). */
export function userOption(args: ParsedCommandArgs, command: Command): string | undefined {
  const user = stringOption(args, 'user');
  if (user !== undefined && !isUserName(user)) throw new UsageError(`--user ${JSON.stringify(user)} ${USER_NAME_RULE}`, command);
  return user;
}

export function compressionOption(args: ParsedCommandArgs, command: Command): Compression {
  const value = stringOption(args, 'compress') ?? 'gzip';
  if (!isCompression(value)) throw new UsageError(`--compress must be one of ${COMPRESSIONS.join(', ')}, got "${value}"`, command);
  return value;
}

/** Diagnostics go to stderr, one line each, with their detail indented below. */
export function printDiagnostics(io: CommandIO, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    io.stderr.write(`${formatDiagnostic(d)}\n`);
    if (d.detail)
      io.stderr.write(
        d.detail
          .split('\n')
          .map((l) => `    ${l}\n`)
          .join(''),
      );
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
