import type { SnmpValue } from '../../../transports/snmp/snmp-value.js';
import type { SystemFacts } from '../device-facts.js';
import { textFromBytes } from '../octets.js';

export function textValue(value: SnmpValue | undefined): string | null {
  if (!value) return null;
  switch (value.kind) {
    case 'octets':
      return textFromBytes(value.bytes);
    case 'oid':
    case 'ip':
      return value.value;
    case 'integer':
    case 'unsigned':
      return String(value.value);
    case 'counter64':
      return value.value.toString();
    case 'none':
      return null;
    default:
      return null;
  }
}

export function numberValue(value: SnmpValue | undefined): number | null {
  if (!value) return null;
  return value.kind === 'integer' || value.kind === 'unsigned' ? value.value : null;
}

/** The system group from one Get of sysDescr, sysObjectID, sysUpTime, sysName (in that order). */
export function extractSystem(values: { sysDescr?: SnmpValue; sysObjectID?: SnmpValue; sysUpTime?: SnmpValue; sysName?: SnmpValue }): SystemFacts | null {
  const system: SystemFacts = {
    sysName: textValue(values.sysName),
    sysDescr: textValue(values.sysDescr),
    sysObjectID: values.sysObjectID?.kind === 'oid' ? values.sysObjectID.value : null,
    sysUpTime: numberValue(values.sysUpTime),
  };
  const empty = system.sysName === null && system.sysDescr === null && system.sysObjectID === null && system.sysUpTime === null;
  return empty ? null : system;
}
