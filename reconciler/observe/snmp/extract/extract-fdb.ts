import { indexAfter } from '../../../transports/snmp/oid.js';
import type { SnmpVarbind } from '../../../transports/snmp/snmp-value.js';
import type { FdbEntry } from '../device-facts.js';
import type { DiagnosticSink } from '../diagnostic-sink.js';
import { OID } from '../mib-oids.js';
import { macFromArcs } from '../octets.js';
import { numberValue } from './extract-system.js';

/** dot1dBasePortIfIndex: bridge port -> ifIndex. */
export function basePortIfIndex(rows: readonly SnmpVarbind[]): Map<number, number> {
  const map = new Map<number, number>();
  for (const { oid, value } of rows) {
    const index = indexAfter(oid, OID.dot1dBasePortIfIndex);
    const ifIndex = numberValue(value);
    if (index?.length === 1 && ifIndex !== null) map.set(index[0] as number, ifIndex);
  }
  return map;
}

/** dot1qVlanFdbId (index timeMark.vlan, value fdbId): fdbId -> VLAN where exactly one VLAN uses
 * that filtering database (shared-VLAN learning maps several VLANs to one fdbId: no single VLAN). */
export function vlanByFdbId(rows: readonly SnmpVarbind[]): Map<number, number> {
  const vlans = new Map<number, Set<number>>();
  for (const { oid, value } of rows) {
    const index = indexAfter(oid, OID.dot1qVlanFdbId);
    const fdbId = numberValue(value);
    if (index?.length !== 2 || fdbId === null) continue;
    let set = vlans.get(fdbId);
    if (!set) vlans.set(fdbId, (set = new Set()));
    set.add(index[1] as number);
  }
  const map = new Map<number, number>();
  for (const [fdbId, set] of vlans) if (set.size === 1) map.set(fdbId, [...set][0] as number);
  return map;
}

/** dot1qTpFdbPort rows: index fdbId.m1..m6, value bridge port. */
export function fdbFromDot1q(
  rows: readonly SnmpVarbind[],
  ports: ReadonlyMap<number, number>,
  vlans: ReadonlyMap<number, number>,
  sink: DiagnosticSink,
): FdbEntry[] {
  const entries: FdbEntry[] = [];
  for (const { oid, value } of rows) {
    const index = indexAfter(oid, OID.dot1qTpFdbPort) ?? [];
    const mac = index.length === 7 ? macFromArcs(index.slice(1)) : undefined;
    const bridgePort = numberValue(value);
    if (mac === undefined || bridgePort === null) {
      sink.badRow('dot1qTpFdbTable', 'OBS_SNMP_BAD_INDEX', `dot1qTpFdbTable row ${index.join('.')}: not fdbId.MAC with a port number; row left out`);
      continue;
    }
    const fdbId = index[0] as number;
    entries.push({ mac, vlan: vlans.get(fdbId) ?? fdbId, fdbId, bridgePort, ifIndex: ports.get(bridgePort) ?? null, table: 'dot1q' });
  }
  return entries;
}

/** dot1dTpFdbPort rows: index m1..m6, value bridge port. */
export function fdbFromDot1d(rows: readonly SnmpVarbind[], ports: ReadonlyMap<number, number>, sink: DiagnosticSink): FdbEntry[] {
  const entries: FdbEntry[] = [];
  for (const { oid, value } of rows) {
    const index = indexAfter(oid, OID.dot1dTpFdbPort) ?? [];
    const mac = macFromArcs(index);
    const bridgePort = numberValue(value);
    if (mac === undefined || bridgePort === null) {
      sink.badRow('dot1dTpFdbTable', 'OBS_SNMP_BAD_INDEX', `dot1dTpFdbTable row ${index.join('.')}: not a MAC with a port number; row left out`);
      continue;
    }
    entries.push({ mac, vlan: null, fdbId: null, bridgePort, ifIndex: ports.get(bridgePort) ?? null, table: 'dot1d' });
  }
  return entries;
}
