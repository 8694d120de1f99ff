import { ZabbixClient, type ZabbixClientOptions } from './zabbix-client.js';
import type { ZabbixLedger } from './zabbix-ledger.js';
import type { ZabbixSecrets } from './zabbix-secrets.js';

/** One Zabbix endpoint of a session: connects (version, login) on first use, once, and logs out on
 * close. A failed connection is not kept: the next use tries again. */
export class ZabbixConnector {
  #client: Promise<ZabbixClient> | undefined;

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly options: ZabbixClientOptions,
    /** What pytin owns there beyond tags (the store's record of it). */
    readonly ledger: ZabbixLedger,
    /** The secret values published as user macros (resolved for this endpoint's host only). */
    readonly secrets: ZabbixSecrets,
  ) {}

  client(): Promise<ZabbixClient> {
    if (!this.#client) {
      this.#client = ZabbixClient.connect(this.options);
      this.#client.catch(() => {
        this.#client = undefined;
      });
    }
    return this.#client;
  }

  async close(): Promise<void> {
    const pending = this.#client;
    this.#client = undefined;
    if (pending) await pending.then((c) => c.close()).catch(() => undefined);
  }
}
