import { DEFAULT_MAX_REPETITIONS, DEFAULT_MAX_ROWS } from '../../transports/snmp/bulk-walk.js';
import { classifyError } from '../../transports/snmp/snmp-failure.js';
import { openSession } from '../../transports/snmp/snmp-session.js';
import type { SnmpTarget } from '../../transports/snmp/snmp-target.js';
import { describeTarget, targetAddress, targetEndpoint } from '../../transports/snmp/snmp-target.js';
import { toSnmpValue } from '../../transports/snmp/snmp-value.js';
import { type DeviceFacts, FACT_SECTIONS, type FactSection, type FdbEntry, type SectionCompleteness, type SystemFacts } from './device-facts.js';
import { type ColumnWalk, DeviceWalker, type WalkBudget } from './device-walker.js';
import { DiagnosticSink } from './diagnostic-sink.js';
import { arpFromIpNetToMedia, arpFromIpNetToPhysical, invalidNeighbourIndexes, mergeArp, withoutInvalidNeighbours } from './extract/extract-arp.js';
import { basePortIfIndex, fdbFromDot1d, fdbFromDot1q, vlanByFdbId } from './extract/extract-fdb.js';
import { extractInterfaces, INTERFACE_COLUMNS, type InterfaceColumn } from './extract/extract-interfaces.js';
import { extractLldp, LLDP_COLUMNS, type LldpColumn } from './extract/extract-lldp.js';
import { extractSystem } from './extract/extract-system.js';
import { operationalVlans } from './extract/extract-vlans.js';
import { OID } from './mib-oids.js';
import { quirksFor } from './vendor-quirks.js';
import { walkVlanForwarding } from './vlan-forwarding.js';

export interface ObserveOptions {
  /** Rows per table before the walk stops with OBS_SNMP_ROW_LIMIT. Default 1,000,000. */
  maxRows?: number;
  /** Wall-clock budget for the whole device. Default 10 minutes. */
  budgetMs?: number;
  /** The clock for `observedAt` (tests pass a fixed one). */
  now?: () => Date;
  /** Called after each GetBulk answer with the column being walked and its rows so far. */
  onProgress?: (column: string, rows: number) => void;
}

const DEFAULT_BUDGET_MS = 10 * 60 * 1000;

function completeness(walks: readonly ColumnWalk[]): SectionCompleteness {
  if (walks.length > 0 && walks.every((w) => !w.walked)) return 'not-walked';
  return walks.every((w) => w.complete) ? 'complete' : 'partial';
}

/** Walks one device: system group, interfaces, ARP/neighbours, forwarding table, LLDP. Never
 * throws for anything the device or network does: problems are diagnostics, and each section's
 * completeness says whether its rows are the whole table. */
export async function observeDevice(target: SnmpTarget, options: ObserveOptions = {}): Promise<DeviceFacts> {
  const now = options.now ?? (() => new Date());
  const observedAt = now().toISOString();
  const sink = new DiagnosticSink(targetAddress(target));
  const session = openSession(target);
  const budget: WalkBudget = {
    maxRepetitions: target.maxRepetitions ?? DEFAULT_MAX_REPETITIONS,
    maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
    deadline: Date.now() + (options.budgetMs ?? DEFAULT_BUDGET_MS),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const walker = new DeviceWalker(session, budget, sink);
  const walks: Record<FactSection, ColumnWalk[]> = { system: [], interfaces: [], arp: [], fdb: [], lldp: [] };
  const column = async (section: FactSection, oid: string, label: string): Promise<ColumnWalk> => {
    const walk = await walker.column(oid, label);
    walks[section].push(walk);
    return walk;
  };
  try {
    // The system group first: it tells whether the agent answers at all, and sysObjectID picks quirks.
    let system: SystemFacts | null = null;
    try {
      const varbinds = await session.get([OID.sysDescr, OID.sysObjectID, OID.sysUpTime, OID.sysName]);
      const [sysDescr, sysObjectID, sysUpTime, sysName] = varbinds.map(toSnmpValue);
      system = extractSystem({ sysDescr, sysObjectID, sysUpTime, sysName });
      walks.system.push({ rows: [], complete: true, walked: true });
      if (!system) sink.add('warning', 'OBS_SNMP_NO_SYSTEM', `${describeTarget(target)} serves none of sysName, sysDescr, sysObjectID, sysUpTime`);
    } catch (error) {
      walker.requestFailed(classifyError(error), 'system', 0, 1);
      walks.system.push({ rows: [], complete: false, walked: true });
    }
    const quirks = quirksFor(system?.sysObjectID ?? null);

    const interfaceColumns: Partial<Record<InterfaceColumn, ColumnWalk['rows']>> = {};
    for (const name of INTERFACE_COLUMNS) interfaceColumns[name] = (await column('interfaces', OID[name], name)).rows;
    const interfaces = extractInterfaces(interfaceColumns);

    const physical = await column('arp', OID.ipNetToPhysicalPhysAddress, 'ipNetToPhysicalPhysAddress');
    // Type and state only where there are neighbours: most agents serve one of the two tables.
    let invalid = new Set<string>();
    if (physical.rows.length > 0) {
      const types = await column('arp', OID.ipNetToPhysicalType, 'ipNetToPhysicalType');
      const states = await column('arp', OID.ipNetToPhysicalState, 'ipNetToPhysicalState');
      invalid = invalidNeighbourIndexes(types.rows, states.rows);
    }
    const media = await column('arp', OID.ipNetToMediaPhysAddress, 'ipNetToMediaPhysAddress');
    const arp = mergeArp(arpFromIpNetToPhysical(physical.rows, sink, invalid), withoutInvalidNeighbours(arpFromIpNetToMedia(media.rows, sink), invalid));

    const ports = basePortIfIndex((await column('fdb', OID.dot1dBasePortIfIndex, 'dot1dBasePortIfIndex')).rows);
    // Cisco community string indexing (a trusted connection setting): one context per VLAN.
    const vtpVlans =
      target.version !== '3' && target.vlanCommunityIndexing ? operationalVlans((await column('fdb', OID.vtpVlanState, 'vtpVlanState')).rows) : undefined;
    if (vtpVlans?.length === 0 && !walker.stoppedBy)
      sink.add(
        'warning',
        'OBS_SNMP_NO_VLAN_LIST',
        `${describeTarget(target)} lists no operational VLAN in vtpVlanState: read the default context's forwarding table only`,
      );
    const dot1q = vtpVlans?.length ? undefined : await column('fdb', OID.dot1qTpFdbPort, 'dot1qTpFdbPort');
    let fdb: FdbEntry[];
    if (target.version !== '3' && vtpVlans?.length && !walker.stoppedBy && !walker.outOfTime) {
      const perVlan = await walkVlanForwarding(target, vtpVlans, budget, sink);
      walks.fdb.push(...perVlan.walks);
      fdb = perVlan.fdb;
    } else if (!dot1q) {
      fdb = [];
    } else if (dot1q.rows.length > 0 || !dot1q.walked) {
      const vlans = vlanByFdbId((await column('fdb', OID.dot1qVlanFdbId, 'dot1qVlanFdbId')).rows);
      fdb = fdbFromDot1q(dot1q.rows, ports, vlans, sink);
    } else {
      // No Q-BRIDGE table: the plain BRIDGE-MIB one (no VLAN).
      fdb = fdbFromDot1d((await column('fdb', OID.dot1dTpFdbPort, 'dot1dTpFdbPort')).rows, ports, sink);
    }

    const lldpColumns: Partial<Record<LldpColumn, ColumnWalk['rows']>> = {};
    for (const name of LLDP_COLUMNS) lldpColumns[name] = (await column('lldp', OID[name], name)).rows;
    const ifIndexes = new Set(interfaces.map((i) => i.ifIndex));
    const lldp = extractLldp(lldpColumns, { numbering: quirks.lldpLocalPortNumbering, bridgePorts: ports, ifIndexes });

    const sections: Record<FactSection, SectionCompleteness> = {
      system: completeness(walks.system),
      interfaces: completeness(walks.interfaces),
      arp: completeness(walks.arp),
      fdb: completeness(walks.fdb),
      lldp: completeness(walks.lldp),
    };
    const skipped = FACT_SECTIONS.filter((s) => sections[s] === 'not-walked');
    if (skipped.length > 0) sink.add('error', 'OBS_SNMP_NOT_WALKED', `not walked after the failure above: ${skipped.join(', ')}`);

    return {
      device: targetEndpoint(target),
      observedAt,
      system,
      interfaces,
      arp,
      fdb,
      lldp,
      completeness: sections,
      quirks: quirks.name,
      diagnostics: sink.finish(),
    };
  } finally {
    session.close();
  }
}
