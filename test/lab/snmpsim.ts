import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { type Daemon, freeUdpPort, makeTempDir, startDaemon } from './daemon.js';
import { agentStopper, whenAgentAnswers } from './snmp-agent-ready.js';

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
  const stop = agentStopper(daemon, temp.remove);
  // snmpsimd takes about 3 s to load its recordings.
  await whenAgentAnswers(daemon, stop, { host: '127.0.0.1', port, community: names[0] as string }, 60_000);
  return { port, communities: [...names], daemon, stop };
}
