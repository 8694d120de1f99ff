import { parseArgs } from 'node:util';

import { InternalError, StalePlanError, TransportError } from '../../inventory/core/errors.js';
import { renderDiagnosticsHuman } from '../render/diagnostics.js';
import { StoreRefusedError } from '../store/file/store-error.js';
import { StoreFailedError } from '../store/file/store-failed-error.js';
import { versionLine } from './build/build-info.js';
import { type Command, type CommandIO, type ParsedCommandArgs, UsageError } from './command.js';
import { EXIT_ERROR, EXIT_OK, type ExitCode } from './exit-codes.js';
import { commandUsage, generalUsage } from './usage.js';

/** Finds the command named by the first one or two words of argv. */
function findCommand(commands: readonly Command[], argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  const twoWords = `${argv[0]} ${argv[1]}`;
  const byTwo = commands.find((c) => c.name === twoWords);
  if (byTwo) return { command: byTwo, rest: argv.slice(2) };
  const byOne = commands.find((c) => c.name === argv[0]);
  if (byOne) return { command: byOne, rest: argv.slice(1) };
  return undefined;
}

function parseCommandArgs(command: Command, rest: string[]): ParsedCommandArgs & { help: boolean; debug: boolean } {
  const options: NonNullable<Parameters<typeof parseArgs>[0]>['options'] = {
    help: { type: 'boolean', short: 'h' },
    debug: { type: 'boolean' },
  };
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''), command);
  }
  const { help, debug, ...values } = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const limits = command.positionals ?? { min: 0, max: 0, names: '' };
  if (help !== true && (parsed.positionals.length < limits.min || parsed.positionals.length > limits.max)) {
    const extra = parsed.positionals.length > limits.max ? `unexpected argument "${parsed.positionals[limits.max]}"` : `missing ${limits.names}`;
    throw new UsageError(extra, command);
  }
  return { values, positionals: parsed.positionals, help: help === true, debug: debug === true };
}

/** Runs one pytin invocation. Never throws: every failure becomes a message and an exit code. */
export async function runCli(commands: readonly Command[], argv: readonly string[], io: CommandIO): Promise<ExitCode> {
  const debug = argv.includes('--debug');
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(generalUsage(commands));
    return argv.length === 0 ? EXIT_ERROR : EXIT_OK;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    io.stdout.write(`${versionLine()}\n`);
    return EXIT_OK;
  }
  const found = findCommand(
    commands,
    argv.filter((a) => a !== '--debug'),
  );
  if (!found) {
    io.stderr.write(`pytin: unknown command "${argv[0]}"\n\n${generalUsage(commands)}`);
    return EXIT_ERROR;
  }
  try {
    const parsed = parseCommandArgs(found.command, found.rest);
    if (parsed.help) {
      io.stdout.write(commandUsage(found.command));
      return EXIT_OK;
    }
    return await found.command.run(parsed, io);
  } catch (error) {
    return reportThrown(error, io, debug);
  }
}

function reportThrown(error: unknown, io: CommandIO, debug: boolean): ExitCode {
  if (error instanceof UsageError) {
    io.stderr.write(`pytin: ${error.message}\n\n${error.command ? commandUsage(error.command) : ''}`);
    return EXIT_ERROR;
  }
  // The store's file is broken, full, read-only or busy: the operator's to fix, so it is printed
  // as its diagnostic, like any other, with no hint of a bug and no stack unless --debug. Looked
  // for along the cause chain too, since a caller may have wrapped it with its own context.
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 8; cause = cause.cause, depth++) {
    if (cause instanceof StoreRefusedError || cause instanceof StoreFailedError) {
      io.stderr.write(renderDiagnosticsHuman([cause.diagnostic]));
      if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
      return EXIT_ERROR;
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof TransportError) io.stderr.write(`pytin: transport error: ${message}\n`);
  else if (error instanceof StalePlanError) io.stderr.write(`pytin: stale plan: ${message}\n`);
  else if (error instanceof InternalError) io.stderr.write(`pytin: internal error (a bug in pytin): ${message}\n`);
  else io.stderr.write(`pytin: unexpected error (a bug in pytin): ${message}\n`);
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  else io.stderr.write('Run again with --debug for the stack trace.\n');
  return EXIT_ERROR;
}
