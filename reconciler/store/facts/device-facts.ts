/** What the store keeps of one SNMP walk of one device. The SNMP observer's output is adapted
 * to this shape; the store owns it so that its tables do not follow every observer change. */
export type OperStatus = 'up' | 'down' | 'testing' | 'unknown' | 'dormant' | 'notPresent' | 'lowerLayerDown';

export interface DeviceSystemFacts {
  sysName: string | null;
  sysDescr: string | null;
  sysObjectID: string | null;
  /** Hundredths of a second since the agent (re)started, as SNMP TimeTicks. */
  sysUpTime: number;
}

export interface DeviceInterfaceFacts {
  ifIndex: number;
  ifName: string | null;
  ifDescr: string | null;
  ifAlias: string | null;
  ifType: number | null;
  speedMbps: number | null;
  operStatus: OperStatus | null;
  mac: string | null;
  /** ifHCInOctets when the device has it, else ifInOctets (see counterBits). */
  inOctets: bigint | null;
  outOctets: bigint | null;
  /** 64 when the octets come from ifHC*, 32 from the old ifIn/OutOctets. */
  counterBits: 32 | 64;
}

export interface ArpEntry {
  ifIndex: number | null;
  ip: string;
  mac: string;
}

export interface FdbEntry {
  mac: string;
  vlan: number | null;
  ifIndex: number | null;
}

export interface LldpNeighbour {
  localIfIndex: number | null;
  remoteChassisId: string | null;
  remotePortId: string | null;
  remoteSysName: string | null;
}

export interface DeviceFacts {
  system: DeviceSystemFacts;
  interfaces: DeviceInterfaceFacts[];
  arp: ArpEntry[];
  fdb: FdbEntry[];
  lldp: LldpNeighbour[];
}

/** The device fact kinds, one JSON document each in current_facts; a walk replaces all together. */
export const DEVICE_FACT_KINDS = ['system', 'interfaces', 'arp', 'fdb', 'lldp'] as const satisfies readonly (keyof DeviceFacts)[];

/** JSON cannot carry bigint; counters are kept as decimal strings in the JSON documents.
 * The replacer is asked for only when the value holds a bigint: a replacer function makes
 * JSON.stringify call back into JS for every key, twice the cost on a 10,000-row ARP table, and
 * most documents (ARP, forwarding, LLDP) have none. The text is the same either way. */
export function factsToJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
}

function counter(value: unknown): bigint | null {
  return value === null || value === undefined ? null : BigInt(value as string);
}

export function deviceFactsFromJson(byKind: ReadonlyMap<string, string>): DeviceFacts {
  const kind = <T>(name: (typeof DEVICE_FACT_KINDS)[number], empty: T): T => {
    const json = byKind.get(name);
    return json === undefined ? empty : (JSON.parse(json) as T);
  };
  const interfaces = kind<DeviceInterfaceFacts[]>('interfaces', []).map((i) => ({ ...i, inOctets: counter(i.inOctets), outOctets: counter(i.outOctets) }));
  return {
    system: kind<DeviceSystemFacts>('system', { sysName: null, sysDescr: null, sysObjectID: null, sysUpTime: 0 }),
    interfaces,
    arp: kind<ArpEntry[]>('arp', []),
    fdb: kind<FdbEntry[]>('fdb', []),
    lldp: kind<LldpNeighbour[]>('lldp', []),
  };
}
