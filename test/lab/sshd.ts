import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { freeTcpPort, makeTempDir, startDaemon, waitFor } from './daemon.js';

const run = promisify(execFile);

export interface LabSshd {
  port: number;
  /** The server's private host key; its `.pub` sits beside it. */
  hostKeyPath: string;
  /** An unencrypted client key that the server accepts for the current user. */
  clientKeyPath: string;
  user: string;
  pid: number;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA...`, what a trusted known_hosts line looks like. */
  knownHostsLine: string;
  stop(): Promise<void>;
}

export interface LabSshdOptions {
  /** Reuse a port (to simulate a host that came back with another host key). */
  port?: number;
  /** Reuse a host key instead of generating one. */
  hostKeyPath?: string;
  /** Reuse a client key (several hosts, one operator key). */
  clientKeyPath?: string;
  hostKeyType?: 'ed25519' | 'ecdsa' | 'rsa';
  /** Runs every session command through this prefix, as `PREFIX /bin/sh -c "$SSH_ORIGINAL_COMMAND"`;
   * e.g. `/usr/bin/ip netns exec NS` (commands run inside a namespace) or `/usr/bin/env PATH=DIR`
   * (a host where some command is missing). */
  commandPrefix?: string;
}

export async function generateKey(path: string, type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519'): Promise<void> {
  await run('/usr/bin/ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'pytin-lab', '-f', path]);
}

async function sshBannerSeen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString().startsWith('SSH-2.0-')));
    socket.once('error', () => done(false));
  });
}

/** Every process below `pid` (sshd's per-connection children and the commands they run),
 * collected before any is killed so none is lost to re-parenting. Bounded in depth and count. */
async function descendantPids(pid: number): Promise<number[]> {
  const found: number[] = [];
  let level = [pid];
  for (let depth = 0; depth < 8 && level.length > 0 && found.length < 1000; depth++) {
    const next: number[] = [];
    for (const parent of level) {
      const text = await readFile(`/proc/${parent}/task/${parent}/children`, 'utf8').catch(() => '');
      next.push(...text.split(/\s+/).filter(Boolean).map(Number));
    }
    found.push(...next);
    level = next;
  }
  return found;
}

/** A private OpenSSH server on 127.0.0.1 — one lab "host". Runs in the foreground (-D) so the
 * PID we hold is sshd's own; `stop()` kills that PID and removes its temp dir. */
export async function startSshd(options: LabSshdOptions = {}): Promise<LabSshd> {
  const dir = await makeTempDir('sshd');
  try {
    await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    const hostKeyPath = options.hostKeyPath ?? join(dir.path, 'host_key');
    if (!options.hostKeyPath) await generateKey(hostKeyPath, options.hostKeyType ?? 'ed25519');
    const clientKeyPath = options.clientKeyPath ?? join(dir.path, 'client_key');
    if (!options.clientKeyPath) await generateKey(clientKeyPath);
    await writeFile(join(dir.path, 'authorized_keys'), await readFile(`${clientKeyPath}.pub`), { mode: 0o600 });
    const port = options.port ?? (await freeTcpPort());
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyPath}`,
      `AuthorizedKeysFile ${join(dir.path, 'authorized_keys')}`,
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `PidFile ${join(dir.path, 'sshd.pid')}`,
      'LogLevel VERBOSE',
      'MaxStartups 50',
      // bash reads ~/.bashrc for every command sshd runs unless it believes it is a nested shell:
      // on these machines root's bashrc runs `pyenv init -`, ~90 ms of CPU per command on a quiet
      // machine (and ~450 ms at load 10), which no real hypervisor pays. SHLVL=1 makes the
      // command's bash level 2, so it skips the file (test/lab/README.md has the measurement).
      'SetEnv SHLVL=1',
      ...(options.commandPrefix ? [`ForceCommand ${options.commandPrefix} /bin/sh -c "$SSH_ORIGINAL_COMMAND"`] : []),
    ];
    const configPath = join(dir.path, 'sshd_config');
    const logPath = join(dir.path, 'sshd.log');
    await writeFile(configPath, `${config.join('\n')}\n`);
    const daemon = startDaemon('/usr/sbin/sshd', ['-D', '-f', configPath, '-E', logPath]);
    const stop = async () => {
      // sshd serves each connection from a child that outlives the listener; end those and the
      // commands they run too, so a stopped "host" really drops its clients (all were started
      // by this sshd, so by us).
      for (const pid of await descendantPids(daemon.pid)) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      await daemon.stop();
      await dir.remove();
    };
    try {
      await waitFor(`sshd on 127.0.0.1:${port}`, () => sshBannerSeen(port), { timeoutMs: 60_000, daemon });
    } catch (error) {
      const log = await readFile(logPath, 'utf8').catch(() => '');
      await stop();
      throw new Error(`${(error as Error).message}\nsshd log:\n${log}`, { cause: error });
    }
    const [type, base64] = (await readFile(`${hostKeyPath}.pub`, 'utf8')).trim().split(/\s+/);
    return {
      port,
      hostKeyPath,
      clientKeyPath,
      user: (await run('/usr/bin/id', ['-un'])).stdout.trim(),
      pid: daemon.pid,
      knownHostsLine: `[127.0.0.1]:${port} ${type} ${base64}`,
      stop,
    };
  } catch (error) {
    await dir.remove();
    throw error;
  }
}
