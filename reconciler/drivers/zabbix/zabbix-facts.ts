import type { Diagnostic } from '../../../inventory/core/diagnostic.js';

/** What pytin read of one Zabbix: plain JSON (stored in the store as the endpoint's facts), with
 * every value as Zabbix returns it (ids and numbers are strings). */
export interface ObservedZabbixHost {
  hostid: string;
  host: string;
  /** The visible name ('' or equal to `host` when none was set). */
  name: string;
  /** Tagged `managed-by: pytin`. Only these are ever updated or deleted. */
  owned: boolean;
  /** The `pytin-key` tag: the inventory address the host stands for. */
  key: string | null;
  groups: Array<{ groupid: string; name: string }>;
  /** `items`: how many items use the interface, read only for one the plan would remove. */
  interfaces: Array<{ interfaceid: string; type: string; ip: string; port: string; main: string; details: Record<string, string>; items?: number }>;
  tags: Array<{ tag: string; value: string }>;
  inventoryMode: string;
  /** The managed inventory fields only. */
  inventory: Record<string, string>;
  templates: Array<{ templateid: string; name: string }>;
  /** The user macros of the host, values left out (a secret one's is never returned); absent in
   * facts stored before secret macros were published. */
  macros?: Array<{ hostmacroid: string; macro: string; type: string }>;
}

/** The secret macros as pytin can compare them: keyed fingerprints (never values) of what the
 * published hosts want now and of what pytin last wrote. */
export interface SecretMacroFacts {
  current: Array<{ key: string; macro: string; fingerprint: string }>;
  published: Array<{ key: string; macro: string; fingerprint: string }>;
  /** Secrets that could not be resolved for this Zabbix (refused by the policy, missing). */
  problems: Diagnostic[];
}

/** A dashboard: pytin's when its id is recorded in the store (`uuid` then says which inventory key
 * it stands for), else someone else's. Widgets as dashboardWidgetTexts renders them. */
export interface ObservedZabbixDashboard {
  dashboardid: string;
  name: string;
  uuid: string | null;
  /** The inventory key the ledger recorded with it (pytin's only). */
  key: string | null;
  widgets: string[];
}

export interface ZabbixFacts {
  version: string;
  /** Every host group: name, uuid and how many hosts it holds. */
  groups: Array<{ groupid: string; name: string; uuid: string; hosts: number }>;
  /** The templates the settings name that exist. */
  templates: Array<{ templateid: string; name: string }>;
  /** pytin's hosts (by tag) and any other host with a name pytin wants. */
  hosts: ObservedZabbixHost[];
  /** Every dashboard pytin owns and every other one with a name pytin wants (absent in facts
   * stored before dashboards were published: read as none). */
  dashboards?: ObservedZabbixDashboard[];
  /** Absent in facts stored before secret macros were published: nothing is planned for them. */
  secretMacros?: SecretMacroFacts;
}
