import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freeUdpPort, makeTempDir, startDaemon, waitFor, type Daemon } from './daemon.js';

const run = promisify(execFile);

/** A running snmpsimd serving recordings on 127.0.0.1; community = recording name. */
export interface Snmpsim {
  port: number;
  communities: string[];
  daemon: Daemon;
  /** Stops snmpsimd by its PID and removes its folders. Safe to call twice. */
  stop(): Promise<void>;
}

/** The uid/gid of nobody/nogroup, which snmpsimd drops to. */
async function nobodyIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', 'nobody'])).stdout.trim());
  const gid = Number((await run('getent', ['group', 'nogroup'])).stdout.split(':')[2]);
  return { uid, gid };
}

/** Decompresses `NAME.snmprec.bz2` from `fixturesDir` for each name (Debian's snmpsim 0.4.5 does
 * not read .bz2) and serves them all from one snmpsimd. */
export async function startSnmpsim(fixturesDir: string, names: readonly string[], fixedPort?: number): Promise<Snmpsim> {
  const temp = await makeTempDir('snmpsim');
  const data = join(temp.path, 'data');
  const cache = join(temp.path, 'cache');
  await mkdir(data);
  await mkdir(cache);
  for (const name of names) {
    const { stdout } = await run('bzcat', [join(fixturesDir, `${name}.snmprec.bz2`)], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
    await writeFile(join(data, `${name}.snmprec`), stdout);
  }
  // snmpsimd drops to nobody: the data must be readable and the cache writable by it.
  const { uid, gid } = await nobodyIds();
  await chmod(temp.path, 0o755);
  await chmod(data, 0o755);
  await chown(cache, uid, gid);
  const port = fixedPort ?? (await freeUdpPort());
  const daemon = startDaemon('snmpsimd', [
    `--data-dir=${data}`,
    `--agent-udpv4-endpoint=127.0.0.1:${port}`,
    '--process-user=nobody',
    '--process-group=nogroup',
    `--cache-dir=${cache}`,
  ]);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await daemon.stop();
    await temp.remove();
  };
  try {
    const first = names[0] as string;
    await waitFor('snmpsimd to answer', async () => {
      if (daemon.process.exitCode !== null) throw new Error('snmpsimd exited');
      await run('snmpget', ['-v2c', '-c', first, '-t', '0.3', '-r', '0', '-On', `127.0.0.1:${port}`, '1.3.6.1.2.1.1.5.0']);
      return true;
    }, 30000, 200);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, communities: [...names], daemon, stop };
}
