import type { CommandOptions, CommandResult, CommandRunner } from '../command-runner.js';
import type { SshHost } from './ssh-host.js';

/** An SshHost (one reused connection) as the CommandRunner drivers talk through. SshHost's errors
 * are TransportErrors already (SshError), which is what the CommandRunner contract asks for. */
export class SshCommandRunner implements CommandRunner {
  readonly host: string;
  private started = 0;

  constructor(private readonly ssh: SshHost) {
    this.host = ssh.target.name;
  }

  /** Every run() is one exec channel on the connection, counted when it starts (a command that
   * then fails or times out was a round trip all the same). */
  get commandsRun(): number {
    return this.started;
  }

  async run(command: string, options: CommandOptions = {}): Promise<CommandResult> {
    this.started++;
    const result = await this.ssh.exec(command, {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    });
    return { exitCode: result.exitCode, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
  }
}
