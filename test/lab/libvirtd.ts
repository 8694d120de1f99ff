import { execFile, spawn } from 'node:child_process';
import { chmod, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { makeTempDir, startDaemon, waitFor } from './daemon.js';

const run = promisify(execFile);

/** Debian's nobody:nogroup. libvirtd as root wants the libvirt-qemu user, which a minimal lab
 * lacks; unprivileged, it runs the test driver happily. */
const NOBODY = { uid: 65534, gid: 65534 };

export interface LabLibvirtd {
  /** `test+unix:///default?socket=...`: libvirt's test driver, with state shared by every
   * connection (virsh processes, SSH sessions on this machine) while the lab runs. */
  uri: string;
  socketPath: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts an unprivileged libvirtd whose test driver keeps state across connections — what an
 * apply test needs to define a domain in one process and observe it in another.
 * Invariant: the test driver drops its state when its last connection closes, so a `virsh`
 * "holder" connection (its stdin kept open by us) lives as long as the lab. Both processes are
 * ours and are stopped by PID. */
export async function startLabLibvirtd(options: { socketDir?: string } = {}): Promise<LabLibvirtd> {
  const dir = await makeTempDir('libvirtd');
  const home = join(dir.path, 'home');
  const runtime = join(dir.path, 'run');
  // A fixed socket folder (the demo's inventory names it) or one in the temp folder.
  const sockets = options.socketDir ?? join(dir.path, 'sock');
  if (options.socketDir) {
    await rm(options.socketDir, { recursive: true, force: true });
    // libvirtd runs as nobody: every folder above the socket must let it through.
    await mkdir(dirname(options.socketDir), { mode: 0o755, recursive: true });
    await chmod(dirname(options.socketDir), 0o755);
  }
  for (const d of [home, runtime, sockets]) {
    await mkdir(d, { mode: 0o700, recursive: true });
    await chown(d, NOBODY.uid, NOBODY.gid);
  }
  await chmod(dir.path, 0o755);
  await chmod(sockets, 0o755);
  const config = join(dir.path, 'libvirtd.conf');
  await writeFile(
    config,
    [
      `unix_sock_dir = "${sockets}"`,
      'unix_sock_rw_perms = "0777"',
      'unix_sock_ro_perms = "0777"',
      'auth_unix_rw = "none"',
      'auth_unix_ro = "none"',
      'log_outputs = "3:stderr"',
      '',
    ].join('\n'),
  );
  const socketPath = join(sockets, 'libvirt-sock');
  const uri = `test+unix:///default?socket=${socketPath}`;
  const env = {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
  };
  const daemon = startDaemonAs('/usr/sbin/libvirtd', ['-f', config], env);
  let holder: ReturnType<typeof spawn> | undefined;
  const stop = async () => {
    if (holder && holder.exitCode === null && holder.signalCode === null) {
      const exited = new Promise((resolve) => holder!.once('exit', resolve));
      holder.kill('SIGTERM');
      const force = setTimeout(() => holder?.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    }
    await daemon.stop();
    await dir.remove();
    if (options.socketDir) {
      await rm(options.socketDir, { recursive: true, force: true });
      // libvirtd runs as nobody: every folder above the socket must let it through.
      await mkdir(dirname(options.socketDir), { mode: 0o755, recursive: true });
      await chmod(dirname(options.socketDir), 0o755);
    }
  };
  try {
    await waitFor(
      'libvirtd to answer on its socket',
      async () => {
        await run('/usr/bin/virsh', ['-c', uri, 'uri']);
        return true;
      },
      { timeoutMs: 20_000, intervalMs: 200, daemon },
    );
    // The holder proves it is connected by answering `uri` on its stdin; its stdin then stays
    // open (and with it the connection) until stop().
    const connected = spawn('/usr/bin/virsh', ['-c', uri], { stdio: ['pipe', 'pipe', 'ignore'] });
    holder = connected;
    let answer = '';
    connected.stdout?.on('data', (chunk: Buffer) => {
      if (answer.length < 4096) answer += chunk.toString();
    });
    connected.stdin?.write('uri\n');
    await waitFor(
      'the holder connection',
      () => {
        if (connected.exitCode !== null) throw new Error('the holder virsh exited');
        return answer.includes('test+unix://');
      },
      10_000,
      50,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { uri, socketPath, pid: daemon.pid, stop };
}

function startDaemonAs(command: string, args: string[], env: NodeJS.ProcessEnv) {
  // startDaemon has no uid option; spawn through it with the env, then drop privileges with
  // setpriv so the PID stays libvirtd's own (setpriv execs, unlike runuser which forks).
  return startDaemon('/usr/bin/setpriv', [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', command, ...args], { env });
}

/** Every domain libvirt itself knows on this hypervisor (defined or running), sorted: what a test
 * asks the real component instead of trusting pytin's output or stored facts. */
export async function libvirtDomainNames(libvirtd: LabLibvirtd): Promise<string[]> {
  const { stdout } = await run('/usr/bin/virsh', ['-c', libvirtd.uri, 'list', '--all', '--name']);
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .sort();
}

/** libvirt's own XML of one domain (persistent definition), for before/after comparisons. */
export async function libvirtDomainXml(libvirtd: LabLibvirtd, name: string): Promise<string> {
  return (await run('/usr/bin/virsh', ['-c', libvirtd.uri, 'dumpxml', '--inactive', name])).stdout;
}
