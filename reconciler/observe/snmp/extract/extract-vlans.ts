import { indexAfter } from '../../../transports/snmp/oid.js';
import type { SnmpVarbind } from '../../../transports/snmp/snmp-value.js';
import { OID } from '../mib-oids.js';
import { numberValue } from './extract-system.js';

const OPERATIONAL = 1;
/** Cisco's default FDDI and Token Ring VLANs: listed by every VTP switch, never Ethernet traffic. */
const LEGACY_MEDIA_VLANS = new Set([1002, 1003, 1004, 1005]);

/** vtpVlanState rows (index managementDomainIndex.vlanIndex): the operational Ethernet VLANs, each
 * once (a VLAN listed in two management domains is one context), in ascending order. */
export function operationalVlans(rows: readonly SnmpVarbind[]): number[] {
  const vlans = new Set<number>();
  for (const { oid, value } of rows) {
    const index = indexAfter(oid, OID.vtpVlanState);
    const vlan = index?.length === 2 ? (index[1] as number) : undefined;
    if (vlan === undefined || vlan < 1 || vlan > 4094 || LEGACY_MEDIA_VLANS.has(vlan)) continue;
    if (numberValue(value) === OPERATIONAL) vlans.add(vlan);
  }
  return [...vlans].sort((a, b) => a - b);
}
