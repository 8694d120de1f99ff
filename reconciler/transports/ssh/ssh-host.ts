import { readFile } from 'node:fs/promises';
import { createConnection } from 'node:net';

import type * as Ssh2 from 'ssh2';
import type { Client, ClientChannel, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';

import { assertNever } from '../../../inventory/core/errors.js';
import { lazyLibrary } from '../../support/lazy-library.js';
import { shellQuote } from '../shell-quote.js';
import { algorithmsForKeyType, fingerprint, type HostKey, hostKeyFromBlob } from './host-key.js';
import { checkHostKey } from './host-key-check.js';
import { appendKnownHost, entriesFor, readKnownHosts } from './known-hosts.js';
import { connectionError, SshCommandTimeoutError, SshError } from './ssh-errors.js';
import { describeTarget, type SshTarget } from './ssh-target.js';

export interface HostKeyPolicy {
  knownHostsPath: string;
  /** Record keys of hosts that have none pinned yet. Never accepts a changed key. */
  trustNewHosts: boolean;
}

export interface SshHostOptions extends HostKeyPolicy {
  connectTimeoutMs: number;
  /** Concurrent channels on the one connection; OpenSSH's MaxSessions defaults to 10. */
  maxChannels: number;
  keepaliveIntervalMs: number;
}

export interface ExecOptions {
  timeoutMs?: number;
  stdin?: string | Buffer;
  /** stdout and stderr together; a command printing more is stopped. Default 64 MiB. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  /** null when the command was ended by a signal. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

const ssh2 = lazyLibrary<typeof Ssh2>('ssh2');

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;

/** One SSH connection to one host, opened on first use and reused for every command.
 * Invariant: at most one connection attempt at a time; a dropped connection is forgotten so
 * the next command reconnects; a failure that retrying cannot fix (host key, authentication,
 * unreadable private key) is remembered for the life of the SshHost and returned at once. */
export class SshHost {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private channelsInUse = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;
  private permanentFailure: SshError | undefined;

  constructor(
    readonly target: SshTarget,
    private readonly options: SshHostOptions,
  ) {}

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new SshError('disconnected', `${describeTarget(this.target)}: the SSH pool is closed`, false);
    await this.acquireChannel();
    try {
      const client = await this.connection();
      return await this.run(client, command, options);
    } finally {
      this.releaseChannel();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }

  private async acquireChannel(): Promise<void> {
    if (this.channelsInUse < this.options.maxChannels) {
      this.channelsInUse++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private releaseChannel(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.channelsInUse--;
  }

  private connection(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (this.permanentFailure) return Promise.reject(this.permanentFailure);
    this.connecting ??= this.connect()
      .catch((error: unknown) => {
        if (error instanceof SshError && !error.retryable) this.permanentFailure = error;
        throw error;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const where = describeTarget(this.target);
    const { host, port, user, privateKeyPath } = this.target;
    let privateKey: Buffer;
    try {
      privateKey = await readFile(privateKeyPath);
    } catch (error) {
      throw new SshError('key-unreadable', `${where}: cannot read the private key ${privateKeyPath}: ${(error as Error).message}`, false, { cause: error });
    }
    // Parsed here, not left to ssh2: ssh2 parses it inside client.connect(), which runs in the
    // socket's 'connect' listener below, where its throw escaped this promise and the
    // observation never ended (a file that is not a key, or an encrypted one).
    const parsed = ssh2().utils.parseKey(privateKey);
    if (parsed instanceof Error) {
      throw new SshError('key-unreadable', `${where}: the private key ${privateKeyPath} cannot be used: ${parsed.message}`, false, { cause: parsed });
    }
    const pinned = entriesFor(await readKnownHosts(this.options.knownHostsPath), host, port);
    // Ask first for the key types already pinned, so a host with several host keys presents one
    // we can check (as OpenSSH does); otherwise ssh2's default order.
    const preferred = [...new Set(pinned.flatMap((e) => algorithmsForKeyType(e.key.type)))].filter(isSupportedHostKeyAlgorithm);
    let refusal: SshError | undefined;
    let keyToRecord: HostKey | undefined;
    const config: ConnectConfig = {
      host,
      port,
      username: user,
      privateKey,
      readyTimeout: this.options.connectTimeoutMs,
      keepaliveInterval: this.options.keepaliveIntervalMs,
      // ssh2's prepend skips names already in its default list, so remove them first (keys apply in order).
      algorithms: preferred.length > 0 ? { serverHostKey: { remove: preferred, prepend: preferred, append: [] } } : undefined,
      hostVerifier: (blob: Buffer) => {
        let presented: HostKey;
        try {
          presented = hostKeyFromBlob(blob);
        } catch (error) {
          refusal = new SshError('host-key-changed', `${where}: the server sent an unreadable host key`, false, { cause: error });
          return false;
        }
        const verdict = checkHostKey(pinned, presented);
        switch (verdict.verdict) {
          case 'known':
            return true;
          case 'unknown':
            if (this.options.trustNewHosts) {
              keyToRecord = presented;
              return true;
            }
            refusal = new SshError(
              'host-key-unknown',
              `${where}: host key ${presented.type} ${fingerprint(presented)} is not in ${this.options.knownHostsPath}. ` +
                'Check the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then run again with --trust-new-hosts to record it',
              false,
            );
            return false;
          case 'changed':
            refusal = new SshError(
              'host-key-changed',
              `${where}: HOST KEY CHANGED — the server presented ${verdict.presented}, but ${this.options.knownHostsPath} pins ${verdict.pinned.join(', ')}. ` +
                'This may be an attack or a reinstalled host; --trust-new-hosts does not override it: remove the old line after checking the new fingerprint on the host',
              false,
            );
            return false;
          case 'revoked':
            refusal = new SshError('host-key-revoked', `${where}: host key ${verdict.fingerprint} is marked @revoked in ${this.options.knownHostsPath}`, false);
            return false;
          default:
            return assertNever(verdict, 'host key verdict');
        }
      },
    };
    const client = new (ssh2().Client)();
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        client.removeListener('ready', onReady);
        // ssh2 may report the socket's end once more after we gave up on it.
        client.on('error', () => undefined);
        client.end();
        reject(refusal ?? connectionError(where, error));
      };
      const onReady = () => {
        client.removeListener('error', onError);
        resolve();
      };
      client.once('ready', onReady);
      client.once('error', onError);
      // Our own socket, with Nagle off: commands are small request/answer exchanges that should
      // leave at once. (On the lab's loopback sshd an exec still costs ~90 ms, nearly all of it the
      // server's own CPU per session; see bench:apply.)
      const socket = createConnection({ host, port, noDelay: true });
      socket.once('error', onError);
      // ssh2's readyTimeout starts with the handshake; the TCP connect needs its own bound (a host
      // that drops SYNs would otherwise hold the run for the kernel's ~2 minutes).
      const connectTimer = setTimeout(
        () => socket.destroy(Object.assign(new Error(`connect timed out after ${this.options.connectTimeoutMs} ms`), { code: 'ETIMEDOUT' })),
        this.options.connectTimeoutMs,
      );
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        socket.removeListener('error', onError);
        client.connect({ ...config, sock: socket });
      });
      socket.once('close', () => clearTimeout(connectTimer));
    });
    if (keyToRecord) await appendKnownHost(this.options.knownHostsPath, host, port, keyToRecord);
    // After the handshake, errors and closes only mean "reconnect next time".
    client.on('error', () => {
      if (this.client === client) this.client = undefined;
    });
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
    });
    if (this.closed) {
      client.end();
      throw new SshError('disconnected', `${where}: the SSH pool is closed`, false);
    }
    this.client = client;
    return client;
  }

  private run(client: Client, command: string, options: ExecOptions): Promise<ExecResult> {
    const where = describeTarget(this.target);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxOutput = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    // Taken before the host starts the command, so the host-side `timeout` can only have fired
    // once at least timeoutMs has passed here too.
    const startedAt = Date.now();
    return new Promise<ExecResult>((resolve, reject) => {
      client.exec(withRemoteTimeout(command, timeoutMs), (error: Error | undefined, channel: ClientChannel) => {
        if (error) {
          // A channel refused on a broken connection: drop it so the next command reconnects.
          if (this.client === client) this.client = undefined;
          client.end();
          reject(new SshError('channel-failed', `${where}: could not start a command: ${error.message}`, true, { cause: error }));
          return;
        }
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        let size = 0;
        let failure: SshError | undefined;
        let graceTimer: NodeJS.Timeout | undefined;
        const stop = (reason: SshError) => {
          if (failure) return;
          failure = reason;
          // OpenSSH honours signal requests only for non-root users (root sessions have no
          // privilege separation), so the host-side `timeout` (withRemoteTimeout) is what ends
          // the process for root; the signal helps elsewhere and where `timeout` is missing.
          sendSignal(channel, 'KILL');
          channel.close();
          // If the server still does not close the channel, give up on this connection so the
          // command cannot hold a channel slot forever; the next command reconnects.
          graceTimer = setTimeout(() => {
            if (this.client === client) this.client = undefined;
            client.end();
            reject(reason);
          }, 3000);
        };
        const collect = (into: Buffer[]) => (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxOutput) {
            stop(new SshError('output-too-large', `${where}: "${command}" printed more than ${maxOutput} bytes; stopped`, false));
            return;
          }
          into.push(chunk);
        };
        channel.on('data', collect(stdout));
        channel.stderr.on('data', collect(stderr));
        const timedOut = () =>
          new SshCommandTimeoutError(
            `${where}: "${command}" did not finish within ${timeoutMs} ms; stopped`,
            Buffer.concat(stdout).toString('utf8'),
            Buffer.concat(stderr).toString('utf8'),
          );
        const timer = setTimeout(() => stop(timedOut()), timeoutMs);
        // The server reports how the command ended (exit-status or exit-signal) before it
        // closes the channel; a close without that report means the connection went away.
        let exit: { code: number | null; signal: string | null } | undefined;
        channel.on('exit', (code: number | null, signal?: string) => {
          exit = { code: typeof code === 'number' ? code : null, signal: signal ?? null };
        });
        channel.on('close', () => {
          clearTimeout(timer);
          clearTimeout(graceTimer);
          if (failure) {
            reject(failure);
            return;
          }
          if (!exit) {
            if (this.client === client) this.client = undefined;
            reject(new SshError('disconnected', `${where}: the connection was lost while "${command}" ran`, true));
            return;
          }
          // The host-side `timeout` and the timer above race at the same deadline: on a busy
          // machine the host's can end the command first. Its status then says so (124, or 137
          // after its KILL), and it is the same timeout, not a command that failed.
          if ((exit.code === 124 || exit.code === 137) && Date.now() - startedAt >= timeoutMs) {
            reject(timedOut());
            return;
          }
          resolve({
            exitCode: exit.code,
            signal: exit.signal,
            stdout: Buffer.concat(stdout).toString('utf8'),
            stderr: Buffer.concat(stderr).toString('utf8'),
          });
        });
        if (options.stdin !== undefined) channel.end(options.stdin);
        else channel.end();
      });
    });
  }
}

/** The host key algorithms ssh2 1.x implements; a pinned key of another type cannot be asked for. */
const SUPPORTED_HOST_KEY_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
  'ssh-dss',
];

function isSupportedHostKeyAlgorithm(name: string): name is ServerHostKeyAlgorithm {
  return (SUPPORTED_HOST_KEY_ALGORITHMS as readonly string[]).includes(name);
}

/** The parts of ssh2's channel internals needed to send a signal request. */
interface ChannelInternals {
  outgoing?: { id?: number; state?: string };
  _client?: { _protocol?: { signal(id: number, name: string): void } };
}

/** Sends an SSH "signal" channel request (RFC 4254 §6.9). ssh2's channel.signal() does nothing
 * once our side of the stream was ended (stdin closed), which every exec does at once, though
 * the protocol allows the request until the channel closes. */
function sendSignal(channel: ClientChannel, name: string): void {
  const internals = channel as unknown as ChannelInternals;
  const id = internals.outgoing?.id;
  const protocol = internals._client?._protocol;
  // 'eof' is our side having sent EOF: the channel is still open for requests.
  const state = internals.outgoing?.state;
  if (id === undefined || (state !== 'open' && state !== 'eof') || !protocol) return;
  try {
    protocol.signal(id, name);
  } catch {
    // the connection is going away; closing the channel is all that is left
  }
}

/** Runs the command under coreutils `timeout` on the host when it has one, so a command that
 * outlives its deadline is ended there and sshd can close the channel (it keeps a channel open
 * as long as its process lives). The local timer stays as the backstop. */
export function withRemoteTimeout(command: string, timeoutMs: number): string {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  const quoted = shellQuote(command);
  return `if command -v timeout >/dev/null 2>&1; then exec timeout -k 1 ${seconds} /bin/sh -c ${quoted}; else exec /bin/sh -c ${quoted}; fi`;
}
