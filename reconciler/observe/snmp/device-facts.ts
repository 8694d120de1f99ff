import type { Diagnostic } from '../../../inventory/core/diagnostic.js';

/** What one SNMP walk of one device saw. MACs are lower-case with colons; IPv6 addresses are in
 * full form (8 groups of 4 hex digits); 64-bit counters are decimal strings (JSON numbers lose
 * precision above 2^53). */
export interface DeviceFacts {
  /** `host:port` of the agent (never a credential). */
  device: string;
  observedAt: string;
  system: SystemFacts | null;
  interfaces: InterfaceFact[];
  arp: ArpEntry[];
  fdb: FdbEntry[];
  lldp: LldpNeighbour[];
  /** Whether each section is the whole of what the agent holds. Anything but `complete` must not
   * be read as "the rest does not exist" (e.g. for freeing IPs not seen). */
  completeness: Record<FactSection, SectionCompleteness>;
  /** Name of the vendor quirks applied, if any (see vendor-quirks.ts). */
  quirks: string | null;
  diagnostics: Diagnostic[];
}

export type FactSection = 'system' | 'interfaces' | 'arp' | 'fdb' | 'lldp';
export const FACT_SECTIONS: readonly FactSection[] = ['system', 'interfaces', 'arp', 'fdb', 'lldp'];

/** `complete`: every walk of the section ended normally. `partial`: a walk stopped early (agent
 * stopped, bad OID order, a limit). `not-walked`: the agent had stopped answering before. */
export type SectionCompleteness = 'complete' | 'partial' | 'not-walked';

export interface SystemFacts {
  sysName: string | null;
  sysDescr: string | null;
  sysObjectID: string | null;
  /** Hundredths of a second since the agent started. */
  sysUpTime: number | null;
}

export type IfOperStatus = 'up' | 'down' | 'testing' | 'unknown' | 'dormant' | 'notPresent' | 'lowerLayerDown';

export interface InterfaceFact {
  ifIndex: number;
  ifName: string | null;
  ifDescr: string | null;
  ifAlias: string | null;
  /** IANAifType number (6 = ethernetCsmacd). */
  ifType: number | null;
  /** ifHighSpeed when the agent has it, else ifSpeed / 1e6. */
  speedMbps: number | null;
  ifOperStatus: IfOperStatus | null;
  ifPhysAddress: string | null;
  ifHCInOctets: string | null;
  ifHCOutOctets: string | null;
}

export type ArpTable = 'ipNetToPhysical' | 'ipNetToMedia';

export interface ArpEntry {
  ifIndex: number;
  ip: string;
  family: 'ipv4' | 'ipv6';
  mac: string;
  table: ArpTable;
}

export type FdbTable = 'dot1q' | 'dot1d';

export interface FdbEntry {
  mac: string;
  /** The VLAN the entry was learnt in: the VLAN mapped to `fdbId` through dot1qVlanFdbId when the
   * agent has that mapping and it is one-to-one, else `fdbId` itself (equal on most switches).
   * For dot1d: the VLAN whose context was read (Cisco community string indexing), else null (no
   * VLAN in the BRIDGE-MIB). */
  vlan: number | null;
  /** dot1q filtering database id (the first index of dot1qTpFdbTable); null for dot1d. */
  fdbId: number | null;
  bridgePort: number;
  /** null when dot1dBasePortIfIndex does not map the bridge port (e.g. port 0, the switch itself). */
  ifIndex: number | null;
  table: FdbTable;
}

export interface LldpNeighbour {
  /** lldpRemLocalPortNum as the agent numbers it. */
  localPortNum: number;
  /** The local interface, through the vendor's numbering (see vendor-quirks.ts); null if unknown. */
  localIfIndex: number | null;
  /** LldpChassisIdSubtype number (4 = MAC address, 7 = local). */
  chassisIdSubtype: number | null;
  chassisId: string | null;
  /** LldpPortIdSubtype number (3 = MAC address, 5 = interface name, 7 = local). */
  portIdSubtype: number | null;
  portId: string | null;
  systemName: string | null;
}
