import type { SnmpVarbind } from '../../transports/snmp/snmp-value.js';
import { indexAfter } from '../../transports/snmp/oid.js';
import { assertNever } from '../../../inventory/core/errors.js';
import type { LldpNeighbour } from './device-facts.js';
import { OID } from './mib-oids.js';
import { ipFromBytes, macFromBytes, textFromBytes } from './octets.js';
import { numberValue } from './extract-system.js';
import type { LldpLocalPortNumbering } from './vendor-quirks.js';

export type LldpColumn = 'lldpRemChassisIdSubtype' | 'lldpRemChassisId' | 'lldpRemPortIdSubtype' | 'lldpRemPortId' | 'lldpRemSysName';
export const LLDP_COLUMNS: readonly LldpColumn[] = ['lldpRemChassisIdSubtype', 'lldpRemChassisId', 'lldpRemPortIdSubtype', 'lldpRemPortId', 'lldpRemSysName'];

const CHASSIS_MAC = 4;
const CHASSIS_NETWORK_ADDRESS = 5;
const PORT_MAC = 3;
const PORT_NETWORK_ADDRESS = 4;

/** An LLDP id as text: MAC subtypes as a MAC, network addresses (IANA family octet + address)
 * as an IP, the rest as a DisplayString. */
function idText(bytes: Buffer, subtype: number | null, macSubtype: number, addressSubtype: number): string {
  if (subtype === macSubtype) return macFromBytes(bytes) ?? textFromBytes(bytes);
  if (subtype === addressSubtype && bytes.length > 1) return ipFromBytes([...bytes.subarray(1)]) ?? textFromBytes(bytes);
  return textFromBytes(bytes);
}

export interface LldpContext {
  numbering: LldpLocalPortNumbering;
  bridgePorts: ReadonlyMap<number, number>;
  ifIndexes: ReadonlySet<number>;
}

function localIfIndex(portNum: number, context: LldpContext): number | null {
  switch (context.numbering) {
    case 'if-index':
      return portNum;
    case 'bridge-port':
      // The MIB's numbering; an agent without a bridge port table often numbers by ifIndex.
      return context.bridgePorts.get(portNum) ?? (context.ifIndexes.has(portNum) ? portNum : null);
    default:
      return assertNever(context.numbering, 'LLDP port numbering');
  }
}

/** One neighbour per lldpRemTable index (timeMark.localPortNum.remIndex) seen in any column. */
export function extractLldp(columns: Partial<Record<LldpColumn, readonly SnmpVarbind[]>>, context: LldpContext): LldpNeighbour[] {
  const byKey = new Map<string, LldpNeighbour>();
  const raw = new Map<string, { chassis?: Buffer; port?: Buffer }>();
  for (const column of LLDP_COLUMNS) {
    for (const { oid, value } of columns[column] ?? []) {
      const index = indexAfter(oid, OID[column]);
      if (!index || index.length !== 3) continue;
      const key = `${index[1]}.${index[2]}`;
      let neighbour = byKey.get(key);
      if (!neighbour) {
        const localPortNum = index[1] as number;
        neighbour = { localPortNum, localIfIndex: localIfIndex(localPortNum, context), chassisIdSubtype: null, chassisId: null, portIdSubtype: null, portId: null, systemName: null };
        byKey.set(key, neighbour);
        raw.set(key, {});
      }
      const bytes = value.kind === 'octets' ? value.bytes : undefined;
      switch (column) {
        case 'lldpRemChassisIdSubtype': neighbour.chassisIdSubtype = numberValue(value); break;
        case 'lldpRemPortIdSubtype': neighbour.portIdSubtype = numberValue(value); break;
        case 'lldpRemChassisId': if (bytes) (raw.get(key) as { chassis?: Buffer }).chassis = bytes; break;
        case 'lldpRemPortId': if (bytes) (raw.get(key) as { port?: Buffer }).port = bytes; break;
        case 'lldpRemSysName': neighbour.systemName = bytes ? textFromBytes(bytes) : null; break;
        default: assertNever(column, 'LLDP column');
      }
    }
  }
  // Ids are rendered once both columns are in: the subtype decides how the bytes read.
  for (const [key, neighbour] of byKey) {
    const ids = raw.get(key) ?? {};
    if (ids.chassis) neighbour.chassisId = idText(ids.chassis, neighbour.chassisIdSubtype, CHASSIS_MAC, CHASSIS_NETWORK_ADDRESS);
    if (ids.port) neighbour.portId = idText(ids.port, neighbour.portIdSubtype, PORT_MAC, PORT_NETWORK_ADDRESS);
  }
  return [...byKey.values()].sort((a, b) => a.localPortNum - b.localPortNum);
}
