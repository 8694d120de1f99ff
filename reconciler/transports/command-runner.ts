/** The result of one command on a host. */
export interface CommandResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Written to the command's standard input, then closed. */
  stdin?: string;
  timeoutMs?: number;
}

/** Runs shell commands on one host: over SSH in production (one reused connection), locally or in
 * a network namespace in tests. Drivers only ever talk to hosts through this. A command that
 * cannot be run at all (connection lost, timeout) throws TransportError; a command that ran and
 * failed returns its exit code. */
export interface CommandRunner {
  /** Host name for messages. */
  readonly host: string;
  /** Commands started through this runner so far, when it counts them: each is one round trip to
   * the host (over SSH, one channel), what apply reports per change. */
  readonly commandsRun?: number;
  run(command: string, options?: CommandOptions): Promise<CommandResult>;
}

export { shellQuote } from './shell-quote.js';
