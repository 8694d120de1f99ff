import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { type Daemon, waitFor } from './daemon.js';
import type { LabZabbix, ZabbixRuntime } from './zabbix.js';

const run = promisify(execFile);

/** A real `zabbix_server` polling for the lab's Zabbix database. */
export interface LabZabbixServer {
  /** The server's main process, for `waitFor(..., { daemon })`: a wait ends at once if it exits. */
  daemon: Daemon;
  /** The end of the server's own log (for messages when a test fails). */
  logTail(): Promise<string>;
  /** Stops the server by its PID and waits until it and its children are gone. Safe twice. */
  stop(): Promise<void>;
  /** The version the server logged at its start ("Starting Zabbix Server. Zabbix 7.0.22 ..."). */
  version: string;
}

/** How long a stopping server may take to flush its history cache before it is killed. */
const STOP_GRACE_MS = 60_000;

/** The server's configuration: the lab's private PostgreSQL over TCP on loopback, every file and
 * socket in `dir` (two lab servers on this machine never share a socket, a PID file or a port),
 * and only the processes a polling test needs. `CacheUpdateFrequency` is short so that hosts
 * published after the start are polled within seconds; the "check now" tasks a test creates are
 * picked up by the task manager, which runs whatever the other settings are. */
function serverConfig(dir: string, dbPort: number, database: string, listenPort: number): string {
  return [
    `LogFile=${join(dir, 'zabbix_server.log')}`,
    'LogFileSize=0',
    'DebugLevel=3',
    `PidFile=${join(dir, 'zabbix_server.pid')}`,
    `SocketDir=${dir}`,
    'DBHost=127.0.0.1',
    `DBPort=${dbPort}`,
    `DBName=${database}`,
    'DBUser=postgres',
    'ListenIP=127.0.0.1',
    `ListenPort=${listenPort}`,
    'StartPollers=2',
    'StartPollersUnreachable=1',
    'StartPreprocessors=1',
    'StartLLDProcessors=1',
    'StartDBSyncers=1',
    'StartTrappers=1',
    'StartPingers=0',
    'StartDiscoverers=0',
    'StartHTTPPollers=0',
    'StartHistoryPollers=1',
    'StartTimers=1',
    'StartEscalators=1',
    'StartAlerters=1',
    'StartReportWriters=0',
    'StartODBCPollers=0',
    'StartSNMPTrapper=0',
    'StartVMwareCollectors=0',
    'StartJavaPollers=0',
    'StartProxyPollers=0',
    'StartIPMIPollers=0',
    'CacheUpdateFrequency=2',
    'HousekeepingFrequency=0',
    'UnreachableDelay=2',
    'Timeout=4',
    '',
  ].join('\n');
}

/** A TCP port on 127.0.0.1 that was free a moment ago, in the range zabbix_server accepts for its
 * ListenPort (1024-32767: below Linux's ephemeral ports, which `freeTcpPort` hands out). */
async function freeListenPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free TCP port in 20000-31999 for zabbix_server');
}

/** Whether `child` has exited, waiting up to `ms` for it. */
async function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** A fresh folder under the runtime's /tmp (the chroot's for 7.0, where its server can open it):
 * `inside` is the path the server sees, `host` the one this process opens. */
async function serverDir(runtime: ZabbixRuntime): Promise<{ inside: string; host: string; remove(): Promise<void> }> {
  const host = await mkdtemp(join(runtime.root, 'tmp', 'pytin-zabbix-server-'));
  const inside = runtime.root === '/' ? host : host.slice(runtime.root.length);
  return { inside, host, remove: () => rm(host, { recursive: true, force: true }) };
}

/** Runs a program of the runtime (`id` inside the chroot knows the chroot's users); its stdout. */
async function runInside(runtime: ZabbixRuntime, command: string, args: readonly string[]): Promise<string> {
  const [program, ...rest] = [...runtime.prefix, command, ...args];
  return (await run(program!, rest)).stdout;
}

/** Starts `zabbix_server -f` (in the foreground: its PID is the one we stop) of the lab Zabbix's
 * generation (7.0: the chroot's, run through `chroot`, which execs it, so the PID is still the
 * server's) against its database. Started as root, it drops to the runtime's `zabbix` user as
 * packaged, so its folder belongs to that user. Resolves once the server logs that its
 * configuration syncer started (it has read the database); fails at once with its log if it
 * exits. Register `stop` with `after()` right away, and stop it before the lab Zabbix (PostgreSQL)
 * stops (which also keeps the chroot's proc mounted while the server runs). */
export async function startLabZabbixServer(zabbix: LabZabbix): Promise<LabZabbixServer> {
  const { runtime } = zabbix;
  const dbPort = Number((await zabbix.sql('SHOW port')).trim());
  if (!Number.isInteger(dbPort) || dbPort <= 0) throw new Error(`the lab database reported no port: ${dbPort}`);
  const uid = Number((await runInside(runtime, 'id', ['-u', 'zabbix'])).trim());
  const gid = Number((await runInside(runtime, 'id', ['-g', 'zabbix'])).trim());
  const dir = await serverDir(runtime);
  await chown(dir.host, uid, gid);
  await chmod(dir.host, 0o755);
  const configPath = join(dir.inside, 'zabbix_server.conf');
  await writeFile(join(dir.host, 'zabbix_server.conf'), serverConfig(dir.inside, dbPort, zabbix.database, await freeListenPort()), { mode: 0o644 });
  const logPath = join(dir.host, 'zabbix_server.log');
  // What the server prints before its log is open (a configuration it refuses) goes here.
  const outputPath = join(dir.host, 'output.txt');
  const readTail = (path: string, chars = 4000) => {
    try {
      return readFileSync(path, 'utf8').slice(-chars);
    } catch {
      return '';
    }
  };
  const logTail = () => Promise.resolve(`${readTail(outputPath)}${readTail(logPath)}`);

  // Its own process group (detached): the server forks a process per poller, syncer and manager,
  // and a server that must be killed takes them with it when the group is signalled.
  const outputFd = openSync(outputPath, 'a');
  const [program, ...args] = [...runtime.prefix, '/usr/sbin/zabbix_server', '-f', '-c', configPath];
  const child = spawn(program!, args, { stdio: ['ignore', outputFd, outputFd], detached: true });
  closeSync(outputFd);
  const pid = child.pid;
  if (pid === undefined) {
    await dir.remove();
    throw new Error('could not start zabbix_server');
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      if (child.exitCode === null && child.signalCode === null) {
        // SIGTERM: the server stops the children it forked, flushes its history cache, then exits.
        process.kill(pid, 'SIGTERM');
        if (!(await exited(child, STOP_GRACE_MS))) {
          // Stuck: its process group, by its id (the server and every child it forked).
          process.kill(-pid, 'SIGKILL');
          await exited(child, STOP_GRACE_MS);
        }
      } else if (child.signalCode !== null) {
        // It died by a signal before we stopped it, so it stopped no child: any left in its group go.
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // ESRCH: none is left.
        }
      }
    } finally {
      await dir.remove();
    }
  };
  // Watched as a lab daemon: waiting ends at once, with the end of its log, if it exits.
  const watched: Daemon = {
    pid,
    process: child,
    get stderr() {
      return `${readTail(outputPath)}${readTail(logPath)}`;
    },
    stop,
  };
  try {
    await waitFor(
      'zabbix_server to start its configuration syncer',
      async () => (await readFile(logPath, 'utf8').catch(() => '')).includes('[configuration syncer'),
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        daemon: watched,
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const version = /Starting Zabbix Server\. Zabbix (\S+)/.exec(readTail(logPath, Infinity))?.[1] ?? 'unknown';
  return { daemon: watched, logTail, stop, version };
}
