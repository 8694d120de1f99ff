import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A process the test lab started. Tests stop it by its own PID (never by name), also on failure:
 * register `stop` with `after()` / `t.after()` right after starting. */
export interface Daemon {
  pid: number;
  process: ChildProcess;
  /** The last 64 KiB the daemon wrote to stderr (for messages when it fails). */
  readonly stderr: string;
  stop(): Promise<void>;
}

/** Starts a daemon in the foreground (it must not fork away), so its PID is the one we kill.
 * Invariant: its stderr goes to a file, never to a pipe. A pipe only drains while this process's
 * event loop runs; a caller blocked in spawnSync (a benchmark timing a CLI) would let the pipe
 * fill, and a chatty daemon (snmpsimd logs every request) then stops answering. */
export function startDaemon(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Daemon {
  const logDir = mkdtempSync(join(tmpdir(), 'pytin-daemon-'));
  const logPath = join(logDir, 'stderr.log');
  const logFd = openSync(logPath, 'a');
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', logFd], env: options.env ?? process.env, cwd: options.cwd });
  closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return {
    pid: child.pid,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(logDir, { recursive: true, force: true });
    },
    get stderr() {
      try {
        const text = readFileSync(logPath, 'utf8');
        return text.slice(-64 * 1024);
      } catch {
        return '';
      }
    },
  };
}

/** Polls `check` until it resolves true or `timeoutMs` passes. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export async function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const port = socket.address().port;
      socket.close(() => resolve(port));
    });
  });
}

/** A fresh temporary folder, removed by the returned `remove`. */
export async function makeTempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `pytin-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
