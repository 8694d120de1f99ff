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

/** How `waitFor` waits: a safety-net timeout, the poll interval, and the daemon whose readiness
 * is awaited (when it exits, waiting ends at once with its exit status and stderr). */
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  daemon?: Daemon;
}

/** Polls `check` until it resolves true. Fails with the daemon's own exit status and stderr as
 * soon as the watched daemon exits (a daemon that died is not "slow"), and on the safety-net
 * timeout with the last error `check` threw and the daemon's stderr, never silently. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutOrOptions: number | WaitOptions = {},
  intervalMs = 50,
): Promise<void> {
  const options = typeof timeoutOrOptions === 'number' ? { timeoutMs: timeoutOrOptions, intervalMs } : timeoutOrOptions;
  const timeoutMs = options.timeoutMs ?? 15000;
  const interval = options.intervalMs ?? intervalMs;
  const daemon = options.daemon;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const exit = daemon === undefined ? undefined : exitOf(daemon);
    if (exit !== undefined && daemon !== undefined) throw new Error(`${daemonName(daemon)} ${exit} while waiting for ${what}${stderrTail(daemon)}`);
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError === undefined ? '' : `; last check failed with: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}${daemon === undefined ? '' : stderrTail(daemon)}`);
    }
    await sleepUnlessExit(interval, daemon);
  }
}

/** "exited with code N" / "was killed by SIGX" once the daemon is gone, else undefined. */
function exitOf(daemon: Daemon): string | undefined {
  const { exitCode, signalCode } = daemon.process;
  if (exitCode !== null) return `exited with code ${exitCode}`;
  if (signalCode !== null) return `was killed by ${signalCode}`;
  return undefined;
}

function daemonName(daemon: Daemon): string {
  return `${daemon.process.spawnfile} (pid ${daemon.pid})`;
}

function stderrTail(daemon: Daemon): string {
  const text = daemon.stderr.trim();
  return text === '' ? '; it wrote nothing to stderr' : `; its stderr ends with:\n${text.slice(-2000)}`;
}

/** Sleeps `ms`, waking early when the daemon exits (so its death is reported at once). */
async function sleepUnlessExit(ms: number, daemon: Daemon | undefined): Promise<void> {
  await new Promise<void>((resolve) => {
    const onExit = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      daemon?.process.off('exit', onExit);
      resolve();
    }, ms);
    daemon?.process.once('exit', onExit);
  });
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
