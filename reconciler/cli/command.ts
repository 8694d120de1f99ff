import type { Writable } from 'node:stream';

import type { ExitCode } from './exit-codes.js';

/** Option specs as node:util parseArgs takes them, plus a description for the usage text. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description: string;
  /** Shown in the usage text, e.g. `DIR`. */
  valueName?: string;
}

export interface CommandIO {
  stdout: Writable;
  stderr: Writable;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal (colour, progress bars). */
  isTTY: boolean;
  /** All of standard input (default: the process's). Tests give their own. */
  stdin?: () => string;
}

export interface ParsedCommandArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** One CLI command. `name` may have two words (`backup run`). */
export interface Command {
  name: string;
  summary: string;
  /** The part of the usage line after the command name, e.g. `[--pool POOL] --to ADDRESS`. */
  synopsis: string;
  options: Record<string, OptionSpec>;
  /** How many positionals the command takes (after its name). */
  positionals?: { min: number; max: number; names: string };
  run(args: ParsedCommandArgs, io: CommandIO): Promise<ExitCode>;
}

/** A mistake on the command line: pytin prints the command's usage and exits 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly command?: Command,
  ) {
    super(message);
  }
}

/** Reads a string option, `undefined` if absent. */
export function stringOption(args: ParsedCommandArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanOption(args: ParsedCommandArgs, name: string): boolean {
  return args.values[name] === true;
}

export function integerOption(args: ParsedCommandArgs, name: string, min: number): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return Number(raw);
}
