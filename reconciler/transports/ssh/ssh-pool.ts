import { type ExecOptions, type ExecResult, type HostKeyPolicy, SshHost, type SshHostOptions } from './ssh-host.js';
import type { SshTarget } from './ssh-target.js';

export interface SshPoolOptions extends HostKeyPolicy {
  connectTimeoutMs?: number;
  maxChannelsPerHost?: number;
  keepaliveIntervalMs?: number;
}

/** One SshHost (one connection) per target, shared by every caller of the pool.
 * Close the pool when done: it ends every connection. */
export class SshPool {
  private readonly hosts = new Map<string, SshHost>();
  private readonly hostOptions: SshHostOptions;

  constructor(options: SshPoolOptions) {
    this.hostOptions = {
      knownHostsPath: options.knownHostsPath,
      trustNewHosts: options.trustNewHosts,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      maxChannels: options.maxChannelsPerHost ?? 8,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
    };
  }

  host(target: SshTarget): SshHost {
    const key = `${target.user}@${target.host}:${target.port}`;
    let host = this.hosts.get(key);
    if (!host) {
      host = new SshHost(target, this.hostOptions);
      this.hosts.set(key, host);
    }
    return host;
  }

  exec(target: SshTarget, command: string, options?: ExecOptions): Promise<ExecResult> {
    return this.host(target).exec(command, options);
  }

  async close(): Promise<void> {
    const hosts = [...this.hosts.values()];
    this.hosts.clear();
    await Promise.all(hosts.map((h) => h.close()));
  }
}
