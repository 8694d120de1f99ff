import { TransportError } from '../../../inventory/core/errors.js';

/** A Zabbix API version as `apiinfo.version` answers it ("6.0.14", "7.2.0rc1"). */
export interface ZabbixVersion {
  text: string;
  major: number;
  minor: number;
  patch: number;
}

export function parseZabbixVersion(text: string): ZabbixVersion {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,4})/.exec(text);
  if (!match) throw new TransportError(`the Zabbix API answered apiinfo.version with "${text.slice(0, 40)}", not a version`, false);
  return { text, major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** Numeric comparison: "6.10" is after "6.4" (a string prefix test gets this wrong). */
export function atLeast(version: ZabbixVersion, major: number, minor: number): boolean {
  return version.major !== major ? version.major > major : version.minor >= minor;
}

/** Where the session or token goes: the body's `auth` (before 6.4), or `Authorization: Bearer`
 * (6.4 on; the body's `auth` still accepted until 7.0, removed in 7.2). */
export type CredentialPlacement = 'body-auth' | 'bearer-header';

/** What differs between the Zabbix releases pytin publishes to, decided once from the version. */
export interface ZabbixFeatures {
  version: ZabbixVersion;
  credential: CredentialPlacement;
  /** 6.2: templates live in template groups (`templategroup.*`), no longer in host groups. */
  templateGroups: boolean;
  /** The host's proxy field: `proxy_hostid` until 6.4, `proxyid` from 7.0. */
  proxyField: 'proxy_hostid' | 'proxyid';
  /** Graph widget data-source fields: 6.0 `ds.hosts.0.0`/`ds.items.0.0` patterns, 7.0 `ds.0.*` with `reference`. */
  widgetFields: 'ds-patterns-6.0' | 'ds-indexed-7.0';
  /** 7.0 validates sub-objects strictly: requests carry whitelisted fields only (always true in pytin; kept for messages). */
  strictSubObjects: boolean;
}

export function zabbixFeatures(version: ZabbixVersion): ZabbixFeatures {
  const seven = atLeast(version, 7, 0);
  return {
    version,
    credential: atLeast(version, 6, 4) ? 'bearer-header' : 'body-auth',
    templateGroups: atLeast(version, 6, 2),
    proxyField: seven ? 'proxyid' : 'proxy_hostid',
    widgetFields: seven ? 'ds-indexed-7.0' : 'ds-patterns-6.0',
    strictSubObjects: seven,
  };
}
