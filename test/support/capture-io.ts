import { Writable } from 'node:stream';

import type { CommandIO } from '../../reconciler/cli/command.js';

/** A CommandIO whose output the test reads back. */
export function captureIO(cwd = process.cwd(), env: NodeJS.ProcessEnv = {}): CommandIO & { out(): string; err(): string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  return {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    cwd,
    env,
    isTTY: false,
    out: () => out,
    err: () => err,
  };
}
