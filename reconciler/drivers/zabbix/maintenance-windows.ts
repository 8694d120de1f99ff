import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { Change } from '../../plan/change.js';
import type { ZabbixConnector } from '../../transports/zabbix/zabbix-connector.js';
import { ZABBIX_DRIVER } from './plan-zabbix.js';

/** How long a window may stay open if pytin never closes it (killed mid-apply): Zabbix ends it then. */
const LONGEST_WINDOW_S = 4 * 3600;

/** The Zabbix host a change disrupts: a resource replaced (a VM destroyed and defined again), or
 * one whose change needs a restart. Zabbix hosts bear the inventory names. Publishing's own
 * changes disrupt nothing. */
export function disruptedHost(change: Change): string | undefined {
  if (change.driver === ZABBIX_DRIVER) return undefined;
  const disruptive = change.action === 'replace' || (change.notes ?? []).some((n) => n.startsWith('restart needed'));
  if (!disruptive) return undefined;
  return change.address.slice(change.address.indexOf('/') + 1);
}

/** Maintenance windows during an apply: before anything runs, one window per Zabbix host (of
 * pytin's) that a change is about to replace or restart, in one batched `maintenance.create`;
 * each is deleted as soon as the last disruptive change of its host ends, failed or not, and any
 * left are deleted at the end. A window is with data collection: Zabbix keeps recording, it only
 * holds back the problems. Never throws: a window that cannot be opened or closed is a warning
 * (the apply itself goes on; an unclosed window ends on its own after LONGEST_WINDOW_S). */
export class ZabbixMaintenanceWindows {
  readonly diagnostics: Diagnostic[] = [];
  readonly #open = new Map<string, { maintenanceid: string; remaining: number }>();

  constructor(
    private readonly connector: ZabbixConnector,
    /** Names the windows (commit and start time: unique, and says which apply opened it). */
    private readonly label: string,
    private readonly now: () => number = Date.now,
  ) {}

  #warn(summary: string): void {
    this.diagnostics.push({ severity: 'warning', code: 'APPLY_ZABBIX_MAINTENANCE_FAILED', summary, address: `zabbix/${this.connector.name}` });
  }

  async beforeAll(changes: readonly Change[]): Promise<void> {
    const counts = new Map<string, number>();
    for (const change of changes) {
      const host = disruptedHost(change);
      if (host) counts.set(host, (counts.get(host) ?? 0) + 1);
    }
    if (counts.size === 0) return;
    try {
      const client = await this.connector.client();
      const hosts = await client.call<Array<{ hostid: string; host: string }>>('host.get', {
        output: ['hostid', 'host'],
        filter: { host: [...counts.keys()] },
        tags: [{ tag: 'managed-by', value: 'pytin', operator: 1 }],
      });
      if (hosts.length === 0) return;
      const since = Math.floor(this.now() / 1000) - 60;
      const objects = hosts.map((h) => ({
        name: `pytin apply ${this.label}: ${h.host}`.slice(0, 128),
        description: 'Opened by pytin apply while this host is replaced or restarted; closed when its changes end.',
        maintenance_type: '0',
        active_since: String(since),
        active_till: String(since + LONGEST_WINDOW_S),
        hosts: [{ hostid: h.hostid }],
        timeperiods: [{ timeperiod_type: '0', start_date: String(since), period: String(LONGEST_WINDOW_S) }],
      }));
      const results = await client.callInBatches<{ maintenanceids: string[] }>('maintenance.create', objects);
      const ids = results.flatMap((r) => r.maintenanceids);
      hosts.forEach((h, i) => this.#open.set(h.host, { maintenanceid: String(ids[i]), remaining: counts.get(h.host) ?? 1 }));
    } catch (error) {
      this.#warn(`no Zabbix maintenance window could be opened for ${[...counts.keys()].join(', ')}: ${(error as Error).message}`);
    }
  }

  async changeEnded(change: Change): Promise<void> {
    const host = disruptedHost(change);
    const window = host ? this.#open.get(host) : undefined;
    if (!host || !window) return;
    window.remaining--;
    if (window.remaining > 0) return;
    await this.#close([host]);
  }

  async afterAll(): Promise<void> {
    await this.#close([...this.#open.keys()]);
  }

  async #close(hosts: readonly string[]): Promise<void> {
    const ids = hosts.map((h) => this.#open.get(h)!.maintenanceid);
    for (const h of hosts) this.#open.delete(h);
    if (ids.length === 0) return;
    try {
      const client = await this.connector.client();
      await client.call('maintenance.delete', ids);
    } catch (error) {
      this.#warn(`the Zabbix maintenance window of ${hosts.join(', ')} could not be closed (Zabbix ends it on its own): ${(error as Error).message}`);
    }
  }
}
