import { COMMANDS } from '../../../reconciler/cli/commands.js';
import { runCli } from '../../../reconciler/cli/run-cli.js';
import { captureIO } from '../../support/capture-io.js';

export interface CliOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `pytin ARGS...` in-process, the same code path as the installed binary. */
export async function pytin(...args: string[]): Promise<CliOutcome> {
  return pytinIn(process.cwd(), ...args);
}

/** `pytin ARGS...` as if started in `cwd`. */
export async function pytinIn(cwd: string, ...args: string[]): Promise<CliOutcome> {
  const io = captureIO(cwd);
  const exitCode = await runCli(COMMANDS, args, io);
  return { exitCode, stdout: io.out(), stderr: io.err() };
}

/** `backup list --json` of one series, parsed. */
export async function listJson(target: string, name: string): Promise<Record<string, unknown> & { series: Array<Record<string, unknown>> }> {
  const { stdout } = await pytin('backup', 'list', '--target', target, '--name', name, '--json');
  return JSON.parse(stdout) as Record<string, unknown> & { series: Array<Record<string, unknown>> };
}

/** A stack trace line, which an operator must never see without --debug. */
export const STACK_TRACE = /\n\s+at .+:\d+:\d+/;
