/** The SNMP observer's diagnostic codes. Permanent: never renamed, never reused for another
 * meaning (see inventory/core/diagnostic-codes.ts for the rule). */
export const OBS_SNMP_CODES = {
  OBS_SNMP_TIMEOUT: 'the agent did not answer within the timeout and retries (unreachable, wrong port, or a wrong v2c community: agents stay silent then)',
  OBS_SNMP_AUTH_FAILED: 'the agent refused the SNMPv3 credentials (unknown user, wrong auth or privacy key, wrong security level)',
  OBS_SNMP_AGENT_ERROR: 'the agent answered with an SNMP error status',
  OBS_SNMP_INVALID_RESPONSE: "the agent's answer could not be used",
  OBS_SNMP_SOCKET_ERROR: 'the local UDP socket failed (bad host name, no route)',
  OBS_SNMP_WALK_INTERRUPTED: 'a table walk stopped partway: the rows read before are kept but the table is incomplete',
  OBS_SNMP_NOT_WALKED: 'a table was not walked because the agent had already stopped answering or refused the credentials',
  OBS_SNMP_OID_NOT_INCREASING: 'the agent answered an OID that does not follow the previous one; the walk stopped there to avoid a loop',
  OBS_SNMP_ROW_LIMIT: 'a table has more rows than the walk limit; the rest was not read',
  OBS_SNMP_TIME_LIMIT: 'the observation ran out of its time budget; the rest was not read',
  OBS_SNMP_BAD_MAC: "a row's MAC address is not 6 bytes long; that row is left out",
  OBS_SNMP_BAD_INDEX: "a row's index does not decode as the MIB defines it; that row is left out",
  OBS_SNMP_MORE_BAD_ROWS: 'more rows of a table were left out than are reported one by one',
  OBS_SNMP_NO_VLAN_LIST:
    'vlanCommunityIndexing is set but the agent lists no operational VLAN in vtpVlanState: only the default context forwarding table was read',
  OBS_SNMP_NO_SYSTEM: 'the agent does not serve the system group (sysName, sysDescr, sysObjectID, sysUpTime)',
} as const satisfies Record<string, string>;

export type ObsSnmpCode = keyof typeof OBS_SNMP_CODES;
