import { execFile, spawn } from 'node:child_process';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
export async function startLabLibvirtd(): Promise<LabLibvirtd> {
  const dir = await makeTempDir('libvirtd');
  const home = join(dir.path, 'home');
  const runtime = join(dir.path, 'run');
  const sockets = join(dir.path, 'sock');
  for (const d of [home, runtime, sockets]) {
    await mkdir(d, { mode: 0o700 });
    await chown(d, NOBODY.uid, NOBODY.gid);
  }
  const { chmod } = await import('node:fs/promises');
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
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: home, XDG_RUNTIME_DIR: runtime, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') };
  const daemon = startDaemonAs('/usr/sbin/libvirtd', ['-f', config], env);
  let holder: ReturnType<typeof spawn> | undefined;
  const stop = async () => {
    if (holder && holder.exitCode === null && holder.signalCode === null) {
      const exited = new Promise((resolve) => holder!.once('exit', resolve));
      holder.kill('SIGTERM');
      await exited;
    }
    await daemon.stop();
    await dir.remove();
  };
  try {
    await waitFor('libvirtd to answer on its socket', async () => {
      if (daemon.process.exitCode !== null) throw new Error(`libvirtd exited: ${(daemon as unknown as { stderr: string }).stderr}`);
      await run('/usr/bin/virsh', ['-c', uri, 'uri']);
      return true;
    }, 20_000, 200);
    holder = spawn('/usr/bin/virsh', ['-c', uri], { stdio: ['pipe', 'ignore', 'ignore'] });
    // Wait until the holder's connection is counted: a domain defined now must survive a
    // connection that comes and goes.
    await waitFor('the holder connection', async () => {
      const { stdout } = await run('/usr/bin/virsh', ['-c', uri, 'list', '--all', '--name']);
      return stdout.includes('test') && holder?.exitCode === null;
    }, 10_000, 100);
    await new Promise((r) => setTimeout(r, 300));
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
