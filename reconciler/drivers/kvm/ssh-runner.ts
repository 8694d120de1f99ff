import type { SshHost } from '../../transports/ssh/ssh-host.js';
import type { CommandOptions, CommandResult, CommandRunner } from '../../transports/command-runner.js';

/** An SshHost (one reused connection) as the CommandRunner drivers talk through. SshHost's errors
 * are TransportErrors already (SshError), which is what the CommandRunner contract asks for. */
export class SshCommandRunner implements CommandRunner {
  readonly host: string;

  constructor(private readonly ssh: SshHost) {
    this.host = ssh.target.name;
  }

  async run(command: string, options: CommandOptions = {}): Promise<CommandResult> {
    const result = await this.ssh.exec(command, {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    });
    return { exitCode: result.exitCode, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
  }
}
