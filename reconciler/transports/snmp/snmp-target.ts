/** One SNMP agent to talk to, with credentials already resolved (the inventory layer turns
 * `{env: NAME}` / `{file: PATH}` into the values here). Credentials must never be printed:
 * use `describeTarget` for messages. */

export type SnmpAuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type SnmpPrivProtocol = 'des' | 'aes' | 'aes256b' | 'aes256r';

export const SNMP_AUTH_PROTOCOLS: readonly SnmpAuthProtocol[] = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'];
export const SNMP_PRIV_PROTOCOLS: readonly SnmpPrivProtocol[] = ['des', 'aes', 'aes256b', 'aes256r'];

/** The protocols of v3 credentials that name none: pytin's own polling and what it publishes to
 * Zabbix for the same switch must agree (Zabbix's own defaults are MD5 and DES). */
export const DEFAULT_SNMP_AUTH_PROTOCOL: SnmpAuthProtocol = 'sha';
export const DEFAULT_SNMP_PRIV_PROTOCOL: SnmpPrivProtocol = 'aes';

interface SnmpTargetBase {
  host: string;
  /** UDP port, 161 on real devices. */
  port: number;
  /** How long to wait for one answer before sending the request again. */
  timeoutMs: number;
  /** How many times a request is sent again after a timeout (0 = once in all). */
  retries: number;
  /** Repetitions per GetBulk; lower it for agents that drop large answers. Default 50. */
  maxRepetitions?: number;
}

/** A community-based agent: v2c, or v1 for old devices (no GetBulk, no 64-bit counters; walked
 * with GetNext). */
export interface SnmpCommunityTarget extends SnmpTargetBase {
  version: '1' | '2c';
  community: string;
  /** Cisco community string indexing: each VLAN's BRIDGE-MIB is served under `community@VLAN`. */
  vlanCommunityIndexing?: boolean;
}

/** The same agent seen through one VLAN's context (Cisco community string indexing). `vlan` is a
 * number the agent listed, so the community gains only `@` and digits. */
export function vlanContextTarget(target: SnmpCommunityTarget, vlan: number): SnmpCommunityTarget {
  if (!Number.isInteger(vlan) || vlan < 0) throw new RangeError(`not a VLAN number: ${vlan}`);
  return { ...target, community: `${target.community}@${vlan}`, vlanCommunityIndexing: false };
}

/** SNMPv3 USM. `auth` absent: noAuthNoPriv; `auth` only: authNoPriv; both: authPriv. */
export interface SnmpV3Target extends SnmpTargetBase {
  version: '3';
  user: string;
  auth?: { protocol: SnmpAuthProtocol; key: string };
  priv?: { protocol: SnmpPrivProtocol; key: string };
}

export type SnmpTarget = SnmpCommunityTarget | SnmpV3Target;

export type SnmpSecurityLevel = 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';

export function securityLevel(target: SnmpV3Target): SnmpSecurityLevel {
  if (!target.auth) return 'noAuthNoPriv';
  return target.priv ? 'authPriv' : 'authNoPriv';
}

/** `127.0.0.1:1161`, `[::1]:161`. */
export function targetEndpoint(target: SnmpTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${host}:${target.port}`;
}

/** `127.0.0.1:1161 (v2c)` / `[::1]:161 (v3 user ops, authPriv)` — never a community or key. */
export function describeTarget(target: SnmpTarget): string {
  const security = target.version === '3' ? `v3 user ${target.user}, ${securityLevel(target)}` : `v${target.version}`;
  return `${targetEndpoint(target)} (${security})`;
}

/** `device/127.0.0.1:1161`: the address diagnostics about this agent carry. */
export function targetAddress(target: SnmpTarget): string {
  return `device/${targetEndpoint(target)}`;
}
