import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { type Daemon, waitFor } from './daemon.js';

const run = promisify(execFile);

/** The stop of an agent the lab started: the daemon by its PID, then its folder. Safe twice. */
export function agentStopper(daemon: Daemon, removeFolder: () => Promise<void>): () => Promise<void> {
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    await daemon.stop();
    await removeFolder();
  };
}

/** Waits until the agent answers a sysName GET with `community` (any answer, noSuchObject too:
 * snmpget exits 0 for it, so an agent whose view hides the system group is ready as well); on failure stops it (so a test
 * that never got the agent still leaves nothing running) and rethrows. */
export async function whenAgentAnswers(
  daemon: Daemon,
  stop: () => Promise<void>,
  target: { host: string; port: number; community: string },
  timeoutMs: number,
): Promise<void> {
  const name = daemon.process.spawnfile;
  try {
    await waitFor(
      `${name} to answer`,
      async () => {
        await run('snmpget', ['-v2c', '-c', target.community, '-t', '0.3', '-r', '0', '-On', `${target.host}:${target.port}`, '1.3.6.1.2.1.1.5.0']);
        return true;
      },
      { timeoutMs, intervalMs: 100, daemon },
    );
  } catch (error) {
    await stop();
    throw error;
  }
}
