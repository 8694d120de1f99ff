import { spawn } from 'node:child_process';

import { TransportError } from '../../inventory/core/errors.js';
import type { CommandOptions, CommandResult, CommandRunner } from './command-runner.js';

/** Runs commands with /bin/sh on this machine, optionally through a prefix (e.g. `ip netns exec NS`):
 * how the tests reach a network namespace, and how pytin acts on the host it runs on. */
export class LocalRunner implements CommandRunner {
  private started = 0;

  constructor(
    readonly host = 'localhost',
    private readonly prefix: readonly string[] = [],
  ) {}

  /** Every run() is one process started (`/bin/sh -c`), counted as it starts. */
  get commandsRun(): number {
    return this.started;
  }

  run(command: string, options: CommandOptions = {}): Promise<CommandResult> {
    this.started++;
    return new Promise((resolve, reject) => {
      const [program, args] = this.prefix.length > 0 ? [this.prefix[0]!, [...this.prefix.slice(1), '/bin/sh', '-c', command]] : ['/bin/sh', ['-c', command]];
      const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs)
        : undefined;
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', (error) => reject(new TransportError(`${this.host}: cannot run ${program}: ${error.message}`, false)));
      child.on('close', (exitCode, signal) => {
        if (timer) clearTimeout(timer);
        if (timedOut) reject(new TransportError(`${this.host}: command timed out after ${options.timeoutMs} ms`, true));
        else resolve({ exitCode, signal, stdout, stderr });
      });
      // A command may exit before reading its input (a quick `ip link show`, a `tc -batch` that
      // stops at a bad line): the write then fails with EPIPE, which must not be an uncaught
      // exception. The exit code and stderr say what happened.
      child.stdin.on('error', () => undefined);
      if (options.stdin) child.stdin.end(options.stdin);
      else child.stdin.end();
    });
  }
}
