import { openSession } from '../../transports/snmp/snmp-session.js';
import { type SnmpCommunityTarget, vlanContextTarget } from '../../transports/snmp/snmp-target.js';
import type { FdbEntry } from './device-facts.js';
import { type ColumnWalk, DeviceWalker, type WalkBudget } from './device-walker.js';
import type { DiagnosticSink } from './diagnostic-sink.js';
import { basePortIfIndex, fdbFromDot1d } from './extract/extract-fdb.js';
import { OID } from './mib-oids.js';

export interface VlanForwarding {
  fdb: FdbEntry[];
  walks: ColumnWalk[];
}

/** Cisco community string indexing: each VLAN's BRIDGE-MIB (bridge ports and learnt MACs) is read
 * through its own context, `community@VLAN`, one session per VLAN. Bridge port numbers are per
 * context, so each VLAN's ports are mapped through its own dot1dBasePortIfIndex. Once a context
 * stops answering (timeout, socket), the remaining VLANs are not walked: each would only wait out
 * its own timeout, and an agent that ignores one context ignores them all. */
export async function walkVlanForwarding(
  target: SnmpCommunityTarget,
  vlans: readonly number[],
  budget: WalkBudget,
  sink: DiagnosticSink,
): Promise<VlanForwarding> {
  const fdb: FdbEntry[] = [];
  const walks: ColumnWalk[] = [];
  const notWalked: number[] = [];
  let stopped = false;
  for (const vlan of vlans) {
    if (stopped || Date.now() > budget.deadline) {
      notWalked.push(vlan);
      walks.push({ rows: [], complete: false, walked: false });
      continue;
    }
    const session = openSession(vlanContextTarget(target, vlan));
    try {
      const walker = new DeviceWalker(session, budget, sink);
      const portsWalk = await walker.column(OID.dot1dBasePortIfIndex, `dot1dBasePortIfIndex@${vlan}`);
      const fdbWalk = await walker.column(OID.dot1dTpFdbPort, `dot1dTpFdbPort@${vlan}`);
      walks.push(portsWalk, fdbWalk);
      for (const entry of fdbFromDot1d(fdbWalk.rows, basePortIfIndex(portsWalk.rows), sink)) fdb.push({ ...entry, vlan });
      stopped = walker.stoppedBy !== undefined || walker.outOfTime;
    } finally {
      session.close();
    }
  }
  if (notWalked.length > 0) sink.add('error', 'OBS_SNMP_NOT_WALKED', `forwarding tables of VLANs ${notWalked.join(', ')} not walked after the failure above`);
  return { fdb, walks };
}
