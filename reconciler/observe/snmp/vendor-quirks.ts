/** Where a vendor's agent deviates from the MIBs, the deviation is recorded here, matched by
 * sysObjectID prefix, and nowhere else: the extractors read these flags, never vendor names. */

/** What lldpRemLocalPortNum (an LldpPortNumber) counts on this agent. The LLDP-MIB says it
 * should be the dot1dBasePort number; some agents use the ifIndex instead. */
export type LldpLocalPortNumbering = 'bridge-port' | 'if-index';

export interface VendorQuirks {
  /** Shown in DeviceFacts.quirks; `standard` when no entry matched. */
  name: string;
  lldpLocalPortNumbering: LldpLocalPortNumbering;
}

export const STANDARD_BEHAVIOUR: VendorQuirks = { name: 'standard', lldpLocalPortNumbering: 'bridge-port' };

interface QuirkEntry {
  /** sysObjectID prefix (without the trailing dot), matched on whole arcs. */
  sysObjectIdPrefix: string;
  quirks: VendorQuirks;
}

const QUIRKS: readonly QuirkEntry[] = [
  // Cisco Nexus (NX-OS, cevSwitchNexus...): lldpLocPortTable and lldpRemLocalPortNum are indexed
  // by ifIndex (e.g. 436240384 for Ethernet1/5), not by bridge port. Seen on a Nexus 5000.
  { sysObjectIdPrefix: '1.3.6.1.4.1.9.12.3.1.3', quirks: { name: 'cisco-nxos', lldpLocalPortNumbering: 'if-index' } },
];

export function quirksFor(sysObjectID: string | null): VendorQuirks {
  if (!sysObjectID) return STANDARD_BEHAVIOUR;
  const oid = sysObjectID.startsWith('.') ? sysObjectID.slice(1) : sysObjectID;
  const entry = QUIRKS.find((q) => oid === q.sysObjectIdPrefix || oid.startsWith(`${q.sysObjectIdPrefix}.`));
  return entry?.quirks ?? STANDARD_BEHAVIOUR;
}
