import { join } from 'node:path';

import { SshPool } from '../../reconciler/transports/ssh/ssh-pool.js';
import type { SshTarget } from '../../reconciler/transports/ssh/ssh-target.js';
import { makeTempDir } from './daemon.js';
import { type LabLibvirtd, startLabLibvirtd } from './libvirtd.js';
import { type LabSshd, type LabSshdOptions, startSshd } from './sshd.js';

/** The lab's hv-01 as a real hypervisor for driver tests: an unprivileged libvirtd (test driver,
 * state shared across connections) reached by commands through a real sshd, with an SSH pool and
 * the target pytin connects to. */
export interface LabHypervisor {
  dir: { path: string; remove(): Promise<void> };
  libvirtd: LabLibvirtd;
  sshd: LabSshd;
  pool: SshPool;
  target: SshTarget;
  /** Stops everything started, in reverse order, and removes the folder. */
  stop(): Promise<void>;
}

export interface LabHypervisorOptions {
  /** Runs in the fresh folder before sshd starts; what it returns is passed to sshd (a command prefix
   * that puts a wrapper first on the PATH, say). */
  beforeSshd?: (dir: string) => Promise<LabSshdOptions>;
  connectTimeoutMs?: number;
}

/** Starts one; a step that fails stops what the earlier steps started before the error is thrown,
 * so a test's `before` leaves no daemon behind. */
export async function startLabHypervisor(prefix: string, options: LabHypervisorOptions = {}): Promise<LabHypervisor> {
  const dir = await makeTempDir(prefix);
  const started: Array<() => Promise<void>> = [() => dir.remove()];
  const stop = async () => {
    for (const step of started.splice(0).reverse()) await step();
  };
  try {
    const libvirtd = await startLabLibvirtd();
    started.push(() => libvirtd.stop());
    const sshdOptions = options.beforeSshd ? await options.beforeSshd(dir.path) : {};
    const sshd = await startSshd(sshdOptions);
    started.push(() => sshd.stop());
    const pool = new SshPool({ knownHostsPath: join(dir.path, 'known_hosts'), trustNewHosts: true, connectTimeoutMs: options.connectTimeoutMs ?? 5000 });
    started.push(() => pool.close());
    const target: SshTarget = { name: 'hv-01', host: '127.0.0.1', port: sshd.port, user: sshd.user, privateKeyPath: sshd.clientKeyPath };
    return { dir, libvirtd, sshd, pool, target, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
