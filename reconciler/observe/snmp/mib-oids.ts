/** The MIB objects the SNMP observer reads (numeric: no MIB files are loaded). */
export const OID = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  // IF-MIB ifTable / ifXTable columns, indexed by ifIndex
  ifDescr: '1.3.6.1.2.1.2.2.1.2',
  ifType: '1.3.6.1.2.1.2.2.1.3',
  ifSpeed: '1.3.6.1.2.1.2.2.1.5',
  ifPhysAddress: '1.3.6.1.2.1.2.2.1.6',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  ifHCInOctets: '1.3.6.1.2.1.31.1.1.1.6',
  ifHCOutOctets: '1.3.6.1.2.1.31.1.1.1.10',
  ifHighSpeed: '1.3.6.1.2.1.31.1.1.1.15',
  ifAlias: '1.3.6.1.2.1.31.1.1.1.18',
  // IP-MIB: index ifIndex.addressType.length.address...
  ipNetToPhysicalPhysAddress: '1.3.6.1.2.1.4.35.1.4',
  // ipNetToPhysicalType: other(1) invalid(2) dynamic(3) static(4) local(5)
  ipNetToPhysicalType: '1.3.6.1.2.1.4.35.1.6',
  // ipNetToPhysicalState: reachable(1) stale(2) delay(3) probe(4) invalid(5) unknown(6) incomplete(7)
  ipNetToPhysicalState: '1.3.6.1.2.1.4.35.1.7',
  // RFC1213 / IP-MIB (deprecated): index ifIndex.a.b.c.d
  ipNetToMediaPhysAddress: '1.3.6.1.2.1.4.22.1.2',
  // Q-BRIDGE-MIB: index fdbId.m1.m2.m3.m4.m5.m6, value bridge port
  dot1qTpFdbPort: '1.3.6.1.2.1.17.7.1.2.2.1.2',
  // Q-BRIDGE-MIB dot1qVlanFdbId: index timeMark.vlanIndex, value fdbId
  dot1qVlanFdbId: '1.3.6.1.2.1.17.7.1.4.2.1.3',
  // BRIDGE-MIB: index m1..m6, value bridge port
  dot1dTpFdbPort: '1.3.6.1.2.1.17.4.3.1.2',
  // BRIDGE-MIB: index bridge port, value ifIndex
  dot1dBasePortIfIndex: '1.3.6.1.2.1.17.1.4.1.2',
  // CISCO-VTP-MIB vtpVlanState: index managementDomainIndex.vlanIndex, value operational(1)...
  vtpVlanState: '1.3.6.1.4.1.9.9.46.1.3.1.1.2',
  // LLDP-MIB lldpRemTable: index timeMark.localPortNum.remIndex
  lldpRemChassisIdSubtype: '1.0.8802.1.1.2.1.4.1.1.4',
  lldpRemChassisId: '1.0.8802.1.1.2.1.4.1.1.5',
  lldpRemPortIdSubtype: '1.0.8802.1.1.2.1.4.1.1.6',
  lldpRemPortId: '1.0.8802.1.1.2.1.4.1.1.7',
  lldpRemSysName: '1.0.8802.1.1.2.1.4.1.1.9',
} as const;
