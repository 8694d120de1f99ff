import { randomBytes } from 'node:crypto';

import type { CommandOptions, CommandResult, CommandRunner } from '../../../transports/command-runner.js';
import { virshCommands } from './virsh-command.js';

/** One virsh command of a line, with what it printed. */
export interface VirshLineCommand {
  args: readonly string[];
  stdout: string;
  stderr: string;
  /** virsh printed an `error:` line for it: how virsh reports a failed command. It is not an exit
   * status (one virsh process has one, its last command's), so callers decide what happened from
   * what the host shows afterwards (a read at the end of the line), and use this for messages. */
  reportedError: boolean;
}

export interface VirshLineResult {
  /** One entry per command, in order; every command ran (virsh does not stop at a failure). */
  commands: VirshLineCommand[];
  /** The virsh process's: its LAST command's status. */
  exitCode: number | null;
  signal: string | null;
}

/**
 * Runs several virsh commands in ONE virsh process over ONE command on the host: one start of
 * virsh and one libvirt connection instead of one per command (most of a command's cost on a
 * hypervisor; bench:apply measures it). Before each command virsh itself prints a marker line to
 * standard output (`echo`) and to standard error (`echo --err`, which virsh prefixes with
 * `error: `), so each command's own output and error come back apart. The marker holds random
 * bytes: no command's output (a domain's XML, which its owner wrote) can forge one.
 *
 * Invariant the caller keeps: virsh runs EVERY command of the line, even after one fails. So a
 * line may only hold commands that are harmless after an earlier one failed — reads, and
 * commands addressed to something only an earlier command could have made (a domain by the fresh
 * UUID its define gave it). Every word is a plain virsh word (virshCommands refuses anything
 * else); the one argument that is not, the domain XML, goes through standard input.
 */
export async function runVirshLine(
  runner: CommandRunner,
  uri: string,
  commands: ReadonlyArray<readonly string[]>,
  options: CommandOptions = {},
): Promise<VirshLineResult> {
  const marker = `pytin-virsh-${randomBytes(8).toString('hex')}`;
  const line = virshCommands(
    uri,
    commands.flatMap((args, index) => [['echo', marker, String(index)], ['echo', '--err', marker, String(index)], args]),
  );
  const result: CommandResult = await runner.run(line, options);
  const stdout = splitAt(result.stdout, (index) => `${marker} ${index}\n`, commands.length);
  const stderr = splitAt(result.stderr, (index) => `error: ${marker} ${index}\n`, commands.length);
  return {
    commands: commands.map((args, index) => {
      const err = stderr[index] ?? '';
      return { args, stdout: stdout[index] ?? '', stderr: err, reportedError: /^error: /m.test(err) };
    }),
    exitCode: result.exitCode,
    signal: result.signal,
  };
}

/** The text after each command's marker line up to the next marker. What comes before the first
 * marker (virsh could not connect, or no shell) goes to the first command, so nothing is lost; a
 * command whose marker is missing (virsh ended before it) gets nothing. */
function splitAt(text: string, markerLine: (index: number) => string, count: number): Array<string | null> {
  const bounds: Array<{ start: number; end: number }> = [];
  for (let index = 0; index < count; index++) {
    const mark = markerLine(index);
    const at = text.indexOf(mark, bounds.at(-1)?.end ?? 0);
    if (at < 0) break;
    bounds.push({ start: at, end: at + mark.length });
  }
  return Array.from({ length: count }, (_, index) => {
    const here = bounds[index];
    if (!here) return index === 0 ? text : null;
    const own = text.slice(here.end, bounds[index + 1]?.start ?? text.length);
    return index === 0 ? text.slice(0, here.start) + own : own;
  });
}
