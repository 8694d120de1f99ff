import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { startDaemon, waitFor } from './daemon.js';

const run = promisify(execFile);

/**
 * Measures TCP throughput with iperf3 between two network namespaces this test run created: a
 * one-shot server (`iperf3 -s -1`) in `serverNs` bound to `serverIp`, a client in `clientNs` for
 * `seconds`. Without `reverse` the client sends (client -> server); with it the server sends.
 * Returns what the receiver measured, in bits per second. Bounded: the client is killed after
 * seconds + 15 s, the server is stopped by its PID whatever happens.
 */
export async function iperfBitsPerSecond(options: {
  serverNs: string;
  clientNs: string;
  serverIp: string;
  reverse: boolean;
  seconds?: number;
  port?: number;
}): Promise<number> {
  const seconds = options.seconds ?? 3;
  const port = String(options.port ?? 5201);
  const server = startDaemon('ip', ['netns', 'exec', options.serverNs, 'iperf3', '-s', '-1', '-B', options.serverIp, '-p', port]);
  try {
    await waitFor(
      'iperf3 to listen',
      async () => (await run('ip', ['netns', 'exec', options.serverNs, 'ss', '-Hltn', `sport = :${port}`])).stdout.includes(port),
      { timeoutMs: 60_000, daemon: server },
    );
    const args = [
      'netns',
      'exec',
      options.clientNs,
      'iperf3',
      '-c',
      options.serverIp,
      '-p',
      port,
      '-t',
      String(seconds),
      '-J',
      ...(options.reverse ? ['-R'] : []),
    ];
    const { stdout } = await run('ip', args, { timeout: (seconds + 15) * 1000, maxBuffer: 16 * 1024 * 1024 });
    const report = JSON.parse(stdout) as { end?: { sum_received?: { bits_per_second?: number } }; error?: string };
    const bits = report.end?.sum_received?.bits_per_second;
    if (typeof bits !== 'number') throw new Error(`iperf3 reported no throughput: ${report.error ?? stdout.slice(0, 300)}`);
    return bits;
  } finally {
    await server.stop();
  }
}
