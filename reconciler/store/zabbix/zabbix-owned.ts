import type { Store } from '../open-store.js';

/** One object pytin created in a Zabbix that Zabbix cannot mark as pytin's (a dashboard has no
 * tags): its deterministic uuid, the inventory key it stands for, and the id Zabbix gave it. */
export interface ZabbixOwnedObject {
  uuid: string;
  key: string;
  zabbixId: string;
}

/** Rows an INSERT: 6 values each, under 999 variables (the limit of SQLite builds before 3.32). */
const ROWS_PER_INSERT = 150;

/** Records objects pytin has just created (or re-records them under a new id), many rows a
 * statement: recorded between two dashboard.create calls of a publish, one statement a dashboard
 * was a round trip to SQLite's thread each (about 0.05 s for 100 on the loaded lab machine). */
export async function recordZabbixOwned(store: Store, service: string, kind: string, objects: readonly ZabbixOwnedObject[]): Promise<void> {
  if (objects.length === 0) return;
  const now = Date.now();
  await store.transaction(async (tx) => {
    for (let start = 0; start < objects.length; start += ROWS_PER_INSERT) {
      const rows = objects.slice(start, start + ROWS_PER_INSERT);
      await tx.run(
        `INSERT INTO zabbix_owned (service, kind, uuid, key, zabbix_id, recorded_at) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (service, kind, uuid) DO UPDATE SET key = excluded.key, zabbix_id = excluded.zabbix_id, recorded_at = excluded.recorded_at`,
        rows.flatMap((o) => [service, kind, o.uuid, o.key, o.zabbixId, now]),
      );
    }
  });
}

/** Forgets objects pytin deleted from Zabbix. */
export async function forgetZabbixOwned(store: Store, service: string, kind: string, uuids: readonly string[]): Promise<void> {
  if (uuids.length === 0) return;
  await store.transaction(async (tx) => {
    for (const uuid of uuids) await tx.run('DELETE FROM zabbix_owned WHERE service = ? AND kind = ? AND uuid = ?', [service, kind, uuid]);
  });
}

/** The objects of one kind pytin owns on one Zabbix. */
export async function zabbixOwned(store: Store, service: string, kind: string): Promise<ZabbixOwnedObject[]> {
  const rows = await store.all<{ uuid: string; key: string; zabbix_id: string }>(
    'SELECT uuid, key, zabbix_id FROM zabbix_owned WHERE service = ? AND kind = ? ORDER BY uuid',
    [service, kind],
  );
  return rows.map((r) => ({ uuid: r.uuid, key: r.key, zabbixId: r.zabbix_id }));
}
