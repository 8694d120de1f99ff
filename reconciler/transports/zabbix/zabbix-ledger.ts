/** One object pytin created on a Zabbix that Zabbix itself cannot mark as pytin's. */
export interface LedgerEntry {
  uuid: string;
  key: string;
  zabbixId: string;
}

/** Where the session keeps what pytin owns on one Zabbix beyond what Zabbix records (the store):
 * ids of untagged objects it created (dashboards). Handed to the driver with the endpoint, so
 * apply records a creation in the same breath as it learns the new id. */
export interface ZabbixLedger extends ZabbixMacroLedger {
  owned(kind: string): Promise<LedgerEntry[]>;
  record(kind: string, entries: readonly LedgerEntry[]): Promise<void>;
  forget(kind: string, uuids: readonly string[]): Promise<void>;
}

/** What pytin last published as one secret user macro of one host: a keyed fingerprint of the
 * value (Zabbix never returns a secret macro's value), never the value. */
export interface LedgerMacro {
  /** The inventory address of the host. */
  key: string;
  macro: string;
  fingerprint: string;
}

/** The secret macros pytin published on one Zabbix, by fingerprint (the store's record of them). */
export interface ZabbixMacroLedger {
  macros(): Promise<LedgerMacro[]>;
  recordMacros(entries: readonly LedgerMacro[]): Promise<void>;
  forgetMacros(entries: ReadonlyArray<{ key: string; macro: string }>): Promise<void>;
}
