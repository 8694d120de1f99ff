import { TransportError } from '../../../inventory/core/errors.js';
import type { Secret } from '../../../inventory/secrets/secret.js';
import { ZabbixApiError } from './zabbix-error.js';
import { parseZabbixVersion, type ZabbixFeatures, zabbixFeatures } from './zabbix-version.js';

/** An API token (preferred: nothing to log in or out), or a user and password (a session made by
 * `user.login` and ended by `user.logout` on close). Both are secrets: never in any output. */
export type ZabbixCredentials = { token: Secret } | { username: string; password: Secret };

export interface ZabbixRetryPolicy {
  /** Tries of one call in all (1: no retry). */
  attempts: number;
  /** The wait before the first retry; doubled before each next one. */
  baseDelayMs: number;
}

export interface ZabbixClientOptions {
  /** `…/api_jsonrpc.php` (trusted: from the operator's settings). */
  url: string;
  credentials: ZabbixCredentials;
  /** Told the method of every HTTP request, in order (tests assert the exact list; benchmarks count). */
  onCall?: (method: string) => void;
  retry?: ZabbixRetryPolicy;
  /** Per HTTP request. */
  timeoutMs?: number;
  /** Objects per write call. */
  batchSize?: number;
}

const DEFAULT_RETRY: ZabbixRetryPolicy = { attempts: 4, baseDelayMs: 200 };
const UNAUTHENTICATED = new Set(['apiinfo.version', 'user.login']);

/** Reads change nothing: any transient failure may be retried. A write is retried only when it
 * cannot have reached Zabbix (connection refused) or was turned away before running (429, 503):
 * a write whose answer was lost may have been done, and doing it twice is not always harmless. */
function isRead(method: string): boolean {
  return method.endsWith('.get') || method === 'apiinfo.version';
}

type Attempt = { ok: true; result: unknown } | { ok: false; error: Error; retryable: boolean };

function connectionRefused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED';
}

/** A JSON-RPC client of one Zabbix frontend. Invariants: `apiinfo.version` is the first call and
 * decides every version-dependent behaviour (`features`); calls never overlap (one frontend, one
 * at a time, in the order made); credentials go only where the version wants them and never into
 * an error message. */
export class ZabbixClient {
  readonly #options: ZabbixClientOptions;
  readonly #retry: ZabbixRetryPolicy;
  #queue: Promise<unknown> = Promise.resolve();
  #features: ZabbixFeatures | undefined;
  /** The token, or the session of user.login. */
  #credential: string | undefined;
  #session = false;
  #nextId = 1;

  private constructor(options: ZabbixClientOptions) {
    this.#options = options;
    this.#retry = options.retry ?? DEFAULT_RETRY;
  }

  /** Asks the version, then logs in with `username` (user and password) or keeps the token. */
  static async connect(options: ZabbixClientOptions): Promise<ZabbixClient> {
    const client = new ZabbixClient(options);
    const version = await client.call<string>('apiinfo.version', {});
    client.#features = zabbixFeatures(parseZabbixVersion(String(version)));
    const credentials = options.credentials;
    if ('token' in credentials) client.#credential = credentials.token.reveal();
    else {
      const session = await client.call<string>('user.login', { username: credentials.username, password: credentials.password.reveal() });
      client.#credential = String(session);
      client.#session = true;
    }
    return client;
  }

  get features(): ZabbixFeatures {
    if (!this.#features) throw new TransportError('the Zabbix client was used before it connected', false);
    return this.#features;
  }

  get batchSize(): number {
    return this.#options.batchSize ?? 100;
  }

  /** One call; waits for every earlier call of this client to finish first. */
  call<T = unknown>(method: string, params: unknown): Promise<T> {
    const run = this.#queue.then(
      () => this.#callWithRetries(method, params),
      () => this.#callWithRetries(method, params),
    );
    this.#queue = run.catch(() => undefined);
    return run as Promise<T>;
  }

  /** A write of many objects, `batchSize` a call (`host.create` takes an array), one call after
   * the other. Returns each call's result in order. */
  async callInBatches<T = unknown>(method: string, objects: readonly unknown[]): Promise<T[]> {
    const results: T[] = [];
    for (let start = 0; start < objects.length; start += this.batchSize) {
      results.push(await this.call<T>(method, objects.slice(start, start + this.batchSize)));
    }
    return results;
  }

  /** Ends a user session (a token has none). Safe to call twice; never throws. */
  async close(): Promise<void> {
    if (!this.#session) return;
    this.#session = false;
    await this.call('user.logout', []).catch(() => undefined);
    this.#credential = undefined;
  }

  async #callWithRetries(method: string, params: unknown): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(method, params);
      if (outcome.ok) return outcome.result;
      if (!outcome.retryable || attempt >= this.#retry.attempts) throw outcome.error;
      await new Promise((resolve) => setTimeout(resolve, this.#retry.baseDelayMs * 2 ** (attempt - 1)));
    }
  }

  async #attempt(method: string, params: unknown): Promise<Attempt> {
    const headers: Record<string, string> = { 'content-type': 'application/json-rpc' };
    const body: Record<string, unknown> = { jsonrpc: '2.0', method, params, id: this.#nextId++ };
    if (!UNAUTHENTICATED.has(method)) {
      if (this.#credential === undefined) return { ok: false, error: new TransportError(`Zabbix ${method} needs a login first`, false), retryable: false };
      if (this.features.credential === 'bearer-header') headers.authorization = `Bearer ${this.#credential}`;
      else body.auth = this.#credential;
    }
    this.#options.onCall?.(method);
    let response: Response;
    try {
      response = await fetch(this.#options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 60000),
      });
    } catch (error) {
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      return {
        ok: false,
        error: new TransportError(`the Zabbix API at ${this.#options.url} could not be reached for ${method} (${reason})`, true, { cause: error }),
        retryable: isRead(method) || connectionRefused(error),
      };
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const turnedAway = response.status === 429 || response.status === 503;
      return {
        ok: false,
        error: new TransportError(`the Zabbix API answered ${method} with HTTP ${response.status}`, turnedAway || response.status >= 500),
        retryable: turnedAway || (isRead(method) && response.status >= 500),
      };
    }
    let answer: { result?: unknown; error?: { code?: number; message?: string; data?: string } };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      return {
        ok: false,
        error: new TransportError(`the Zabbix API answered ${method} with something that is not JSON: ${text.slice(0, 200)}`, false),
        retryable: false,
      };
    }
    if (answer.error) {
      return { ok: false, error: new ZabbixApiError(method, answer.error.code ?? 0, answer.error.message ?? '', answer.error.data ?? ''), retryable: false };
    }
    return { ok: true, result: answer.result };
  }
}
