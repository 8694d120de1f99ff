import { assertNever } from '../../../../inventory/core/errors.js';
import { indexAfter } from '../../../transports/snmp/oid.js';
import type { SnmpVarbind } from '../../../transports/snmp/snmp-value.js';
import type { LldpNeighbour } from '../device-facts.js';
import { OID } from '../mib-oids.js';
import { ipFromBytes, macFromBytes, textFromBytes } from '../octets.js';
import type { LldpLocalPortNumbering } from '../vendor-quirks.js';
import { numberValue } from './extract-system.js';

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
  // The id bytes are kept until every column is in: the subtype decides how they read.
  const byKey = new Map<string, { neighbour: LldpNeighbour; chassis?: Buffer; port?: Buffer }>();
  for (const column of LLDP_COLUMNS) {
    for (const { oid, value } of columns[column] ?? []) {
      const index = indexAfter(oid, OID[column]);
      if (!index || index.length !== 3) continue;
      const key = `${index[1]}.${index[2]}`;
      let entry = byKey.get(key);
      if (!entry) {
        const localPortNum = index[1] as number;
        entry = {
          neighbour: {
            localPortNum,
            localIfIndex: localIfIndex(localPortNum, context),
            chassisIdSubtype: null,
            chassisId: null,
            portIdSubtype: null,
            portId: null,
            systemName: null,
          },
        };
        byKey.set(key, entry);
      }
      const bytes = value.kind === 'octets' ? value.bytes : undefined;
      switch (column) {
        case 'lldpRemChassisIdSubtype':
          entry.neighbour.chassisIdSubtype = numberValue(value);
          break;
        case 'lldpRemPortIdSubtype':
          entry.neighbour.portIdSubtype = numberValue(value);
          break;
        case 'lldpRemChassisId':
          entry.chassis = bytes;
          break;
        case 'lldpRemPortId':
          entry.port = bytes;
          break;
        case 'lldpRemSysName':
          entry.neighbour.systemName = bytes ? textFromBytes(bytes) : null;
          break;
        default:
          assertNever(column, 'LLDP column');
      }
    }
  }
  const neighbours: LldpNeighbour[] = [];
  for (const { neighbour, chassis, port } of byKey.values()) {
    if (chassis) neighbour.chassisId = idText(chassis, neighbour.chassisIdSubtype, CHASSIS_MAC, CHASSIS_NETWORK_ADDRESS);
    if (port) neighbour.portId = idText(port, neighbour.portIdSubtype, PORT_MAC, PORT_NETWORK_ADDRESS);
    neighbours.push(neighbour);
  }
  return neighbours.sort((a, b) => a.localPortNum - b.localPortNum);
}
