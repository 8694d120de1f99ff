/** One object pytin created on a Zabbix that Zabbix itself cannot mark as pytin's. */
export interface LedgerEntry {
  uuid: string;
  key: string;
  zabbixId: string;
}

/** Where the session keeps what pytin owns on one Zabbix beyond what Zabbix records (the store):
 * ids of untagged objects it created (dashboards). Handed to the driver with the endpoint, so
 * apply records a creation in the same breath as it learns the new id. */
export interface ZabbixLedger {
  owned(kind: string): Promise<LedgerEntry[]>;
  record(kind: string, entries: readonly LedgerEntry[]): Promise<void>;
  forget(kind: string, uuids: readonly string[]): Promise<void>;
}
