import { indexAfter } from '../../../transports/snmp/oid.js';
import type { SnmpVarbind } from '../../../transports/snmp/snmp-value.js';
import type { ArpEntry } from '../device-facts.js';
import type { DiagnosticSink } from '../diagnostic-sink.js';
import { OID } from '../mib-oids.js';
import { hexFromBytes, ipFromBytes, macFromBytes } from '../octets.js';
import { numberValue } from './extract-system.js';

/** InetAddressType -> address length: ipv4(1) 4, ipv6(2) 16, ipv4z(3) 4+4, ipv6z(4) 16+4. The zone
 * index after the address of the z types is dropped: the ifIndex already says where. */
const ADDRESS_LENGTH: Record<number, { family: 'ipv4' | 'ipv6'; bytes: number; withZone: number }> = {
  1: { family: 'ipv4', bytes: 4, withZone: 4 },
  2: { family: 'ipv6', bytes: 16, withZone: 16 },
  3: { family: 'ipv4', bytes: 4, withZone: 8 },
  4: { family: 'ipv6', bytes: 16, withZone: 20 },
};

function macOf(varbind: SnmpVarbind, table: string, sink: DiagnosticSink, where: string): string | undefined {
  const bytes = varbind.value.kind === 'octets' ? varbind.value.bytes : undefined;
  const mac = bytes ? macFromBytes(bytes) : undefined;
  if (mac === undefined) {
    const shown = bytes ? `${bytes.length} bytes (${hexFromBytes(bytes) || 'empty'})` : `a ${varbind.value.kind} value`;
    sink.badRow(table, 'OBS_SNMP_BAD_MAC', `${table} row ${where}: the MAC is ${shown}, not 6 bytes; row left out`);
  }
  return mac;
}

const TYPE_INVALID = 2;
const STATE_INVALID = 5;

/** The ipNetToPhysicalTable indexes (as `a.b.c...` after the column) of rows the agent marks
 * invalid: type invalid(2) (a row being deleted, RFC 4293) or state invalid(5) (not a usable
 * neighbour). Such a row is no evidence that the address is in use. A row without a type or state
 * (the column not served, or the walk cut short) counts as valid: the MAC row is all we know. */
export function invalidNeighbourIndexes(typeRows: readonly SnmpVarbind[], stateRows: readonly SnmpVarbind[]): Set<string> {
  const invalid = new Set<string>();
  const collect = (rows: readonly SnmpVarbind[], column: string, invalidValue: number) => {
    for (const { oid, value } of rows) {
      const index = indexAfter(oid, column);
      if (index && numberValue(value) === invalidValue) invalid.add(index.join('.'));
    }
  };
  collect(typeRows, OID.ipNetToPhysicalType, TYPE_INVALID);
  collect(stateRows, OID.ipNetToPhysicalState, STATE_INVALID);
  return invalid;
}

/** ipNetToPhysicalPhysAddress rows: index ifIndex.addressType.length.address. Agents that leave
 * out the length octet (the index is then implied-length) are read too. Rows whose index is in
 * `invalid` (see invalidNeighbourIndexes) are left out. */
export function arpFromIpNetToPhysical(rows: readonly SnmpVarbind[], sink: DiagnosticSink, invalid: ReadonlySet<string> = new Set()): ArpEntry[] {
  const entries: ArpEntry[] = [];
  for (const varbind of rows) {
    const index = indexAfter(varbind.oid, OID.ipNetToPhysicalPhysAddress) ?? [];
    if (invalid.has(index.join('.'))) continue;
    const [ifIndex, addressType] = index as [number, number];
    const shape = ADDRESS_LENGTH[addressType];
    let address: number[] | undefined;
    if (shape && index.length >= 2) {
      if (index[2] === shape.withZone && index.length === 3 + shape.withZone) address = index.slice(3, 3 + shape.bytes);
      else if (index.length === 2 + shape.withZone) address = index.slice(2, 2 + shape.bytes);
    }
    const ip = address ? ipFromBytes(address) : undefined;
    const where = index.join('.');
    if (!shape || ip === undefined) {
      // unknown(0) or dns(16) address types, or a malformed index: nothing to track.
      sink.badRow('ipNetToPhysicalTable', 'OBS_SNMP_BAD_INDEX', `ipNetToPhysicalTable row ${where}: not an IPv4 or IPv6 neighbour index; row left out`);
      continue;
    }
    const mac = macOf(varbind, 'ipNetToPhysicalTable', sink, where);
    if (mac !== undefined) entries.push({ ifIndex, ip, family: shape.family, mac, table: 'ipNetToPhysical' });
  }
  return entries;
}

/** ipNetToMedia entries without the neighbours ipNetToPhysicalTable marks invalid (`invalid` from
 * invalidNeighbourIndexes): the older table's copy of a row must not bring it back. The IPv4 index
 * there is ifIndex.1.4.a.b.c.d, or ifIndex.1.a.b.c.d on agents that leave out the length. */
export function withoutInvalidNeighbours(media: readonly ArpEntry[], invalid: ReadonlySet<string>): ArpEntry[] {
  if (invalid.size === 0) return [...media];
  return media.filter((e) => !invalid.has(`${e.ifIndex}.1.4.${e.ip}`) && !invalid.has(`${e.ifIndex}.1.${e.ip}`));
}

/** ipNetToMediaPhysAddress rows: index ifIndex.a.b.c.d (IPv4 only). */
export function arpFromIpNetToMedia(rows: readonly SnmpVarbind[], sink: DiagnosticSink): ArpEntry[] {
  const entries: ArpEntry[] = [];
  for (const varbind of rows) {
    const index = indexAfter(varbind.oid, OID.ipNetToMediaPhysAddress) ?? [];
    const ip = index.length === 5 ? ipFromBytes(index.slice(1)) : undefined;
    const where = index.join('.');
    if (ip === undefined) {
      sink.badRow('ipNetToMediaTable', 'OBS_SNMP_BAD_INDEX', `ipNetToMediaTable row ${where}: not ifIndex.a.b.c.d; row left out`);
      continue;
    }
    const mac = macOf(varbind, 'ipNetToMediaTable', sink, where);
    if (mac !== undefined) entries.push({ ifIndex: index[0] as number, ip, family: 'ipv4', mac, table: 'ipNetToMedia' });
  }
  return entries;
}

/** ipNetToPhysical rows first; ipNetToMedia adds the neighbours the newer table lacks (many agents
 * fill only one of the two, some fill IPv4 in one and IPv6 in the other). A neighbour is one
 * (ifIndex, ip, mac): the same link-local address on two interfaces is two neighbours. */
export function mergeArp(physical: readonly ArpEntry[], media: readonly ArpEntry[]): ArpEntry[] {
  const seen = new Set<string>();
  const merged: ArpEntry[] = [];
  for (const entry of [...physical, ...media]) {
    const key = `${entry.ifIndex}|${entry.ip}|${entry.mac}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(entry);
  }
  return merged;
}
