import { assertNever } from '../../../../inventory/core/errors.js';
import { indexAfter } from '../../../transports/snmp/oid.js';
import type { SnmpVarbind } from '../../../transports/snmp/snmp-value.js';
import type { IfOperStatus, InterfaceFact } from '../device-facts.js';
import { OID } from '../mib-oids.js';
import { macFromBytes } from '../octets.js';
import { numberValue, textValue } from './extract-system.js';

export type InterfaceColumn =
  'ifDescr' | 'ifType' | 'ifSpeed' | 'ifPhysAddress' | 'ifOperStatus' | 'ifName' | 'ifHCInOctets' | 'ifHCOutOctets' | 'ifHighSpeed' | 'ifAlias';
export const INTERFACE_COLUMNS: readonly InterfaceColumn[] = [
  'ifName',
  'ifDescr',
  'ifAlias',
  'ifType',
  'ifHighSpeed',
  'ifSpeed',
  'ifOperStatus',
  'ifPhysAddress',
  'ifHCInOctets',
  'ifHCOutOctets',
];

const OPER_STATUS: Record<number, IfOperStatus> = { 1: 'up', 2: 'down', 3: 'testing', 4: 'unknown', 5: 'dormant', 6: 'notPresent', 7: 'lowerLayerDown' };

function blankInterface(ifIndex: number): InterfaceFact {
  return {
    ifIndex,
    ifName: null,
    ifDescr: null,
    ifAlias: null,
    ifType: null,
    speedMbps: null,
    ifOperStatus: null,
    ifPhysAddress: null,
    ifHCInOctets: null,
    ifHCOutOctets: null,
  };
}

/** One interface per ifIndex seen in any column; columns the agent lacks stay null. */
export function extractInterfaces(columns: Partial<Record<InterfaceColumn, readonly SnmpVarbind[]>>): InterfaceFact[] {
  const byIndex = new Map<number, InterfaceFact>();
  const highSpeed = new Set<number>();
  const at = (ifIndex: number): InterfaceFact => {
    let fact = byIndex.get(ifIndex);
    if (!fact) byIndex.set(ifIndex, (fact = blankInterface(ifIndex)));
    return fact;
  };
  for (const column of INTERFACE_COLUMNS) {
    for (const { oid, value } of columns[column] ?? []) {
      const index = indexAfter(oid, OID[column]);
      if (!index || index.length !== 1) continue;
      const fact = at(index[0] as number);
      switch (column) {
        case 'ifName':
          fact.ifName = textValue(value);
          break;
        case 'ifDescr':
          fact.ifDescr = textValue(value);
          break;
        case 'ifAlias':
          fact.ifAlias = textValue(value);
          break;
        case 'ifType':
          fact.ifType = numberValue(value);
          break;
        case 'ifHighSpeed': {
          const mbps = numberValue(value);
          if (mbps !== null) {
            fact.speedMbps = mbps;
            highSpeed.add(fact.ifIndex);
          }
          break;
        }
        case 'ifSpeed': {
          // ifSpeed saturates at 4.29 Gbit/s; ifHighSpeed (walked first) wins when present.
          const bps = numberValue(value);
          if (bps !== null && !highSpeed.has(fact.ifIndex)) fact.speedMbps = Math.round(bps / 1e6);
          break;
        }
        case 'ifOperStatus': {
          const status = numberValue(value);
          fact.ifOperStatus = status === null ? null : (OPER_STATUS[status] ?? null);
          break;
        }
        case 'ifPhysAddress':
          fact.ifPhysAddress = value.kind === 'octets' ? (macFromBytes(value.bytes) ?? null) : null;
          break;
        case 'ifHCInOctets':
          fact.ifHCInOctets = value.kind === 'counter64' ? value.value.toString() : null;
          break;
        case 'ifHCOutOctets':
          fact.ifHCOutOctets = value.kind === 'counter64' ? value.value.toString() : null;
          break;
        default:
          assertNever(column, 'interface column');
      }
    }
  }
  return [...byIndex.values()].sort((a, b) => a.ifIndex - b.ifIndex);
}
