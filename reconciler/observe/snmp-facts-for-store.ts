import type { DeviceFacts as StoredDeviceFacts } from '../store/facts/device-facts.js';
import type { DeviceFacts as ObservedDeviceFacts } from './snmp/device-facts.js';

/** Whether a walk may replace the stored facts: only a whole walk does. A partial section (agent
 * stopped mid-walk, looping OIDs) would make absent rows look like "not seen", which later
 * becomes drift; so a partial walk is recorded as a failed run and the last good facts stay. */
export function isCompleteWalk(facts: ObservedDeviceFacts): boolean {
  return facts.system !== null && Object.values(facts.completeness).every((c) => c === 'complete');
}

/** The SNMP observer's facts in the store's shape (the store keeps its own, stabler shape). */
export function snmpFactsForStore(facts: ObservedDeviceFacts): StoredDeviceFacts {
  const counter = (text: string | null) => (text === null ? null : BigInt(text));
  return {
    system: {
      sysName: facts.system?.sysName ?? null,
      sysDescr: facts.system?.sysDescr ?? null,
      sysObjectID: facts.system?.sysObjectID ?? null,
      sysUpTime: facts.system?.sysUpTime ?? 0,
    },
    interfaces: facts.interfaces.map((i) => ({
      ifIndex: i.ifIndex,
      ifName: i.ifName,
      ifDescr: i.ifDescr,
      ifAlias: i.ifAlias,
      ifType: i.ifType,
      speedMbps: i.speedMbps,
      operStatus: i.ifOperStatus,
      mac: i.ifPhysAddress,
      inOctets: counter(i.ifHCInOctets),
      outOctets: counter(i.ifHCOutOctets),
      // The observer reads the 64-bit ifHC* counters only.
      counterBits: 64,
    })),
    arp: facts.arp.map((a) => ({ ifIndex: a.ifIndex, ip: a.ip, mac: a.mac })),
    fdb: facts.fdb.map((f) => ({ mac: f.mac, vlan: f.vlan, ifIndex: f.ifIndex })),
    lldp: facts.lldp.map((l) => ({ localIfIndex: l.localIfIndex, remoteChassisId: l.chassisId, remotePortId: l.portId, remoteSysName: l.systemName })),
  };
}
