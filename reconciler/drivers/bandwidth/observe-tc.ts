import { randomBytes } from 'node:crypto';

import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { runFactCommand } from '../../observe/hosts/host-command.js';
import { hostDiagnostic } from '../../observe/hosts/host-diagnostics.js';
import type { HostProbe, HostProbeContext, ProbeResult } from '../../observe/hosts/host-probe.js';
import { shellQuote } from '../../transports/shell-quote.js';
import { parseTcListing, type TcListing } from './parse-tc.js';
import type { TcFacts, TcInterfaceFacts, TcObject } from './tc-facts.js';
import { tcDevice } from './tc-words.js';

/** The key the tc driver's facts are stored under (one document per host). */
export const TC_FACTS_KEY = 'tc';

/** What to read on a host: the shaped interfaces, and devices read when present (the ifb devices
 * pytin creates for upload shaping on its first apply: until then their absence is expected). */
export interface TcProbeTarget {
  interfaces: readonly string[];
  optional: readonly string[];
}

export function tcProbe(devices: TcProbeTarget): HostProbe<TcFacts> {
  return { key: TC_FACTS_KEY, run: (context) => observeTc(context, devices) };
}

/** The listings read per interface. `filter show dev X` lists only the filters attached to the
 * root qdisc; ingress filters and filters attached to classes (hierarchical HTB) are listed
 * only when their parent is named, so the script asks for each class's filters too. Note: u32
 * filters of the same priority on one qdisc share hash tables, and the kernel lists them under
 * every parent of that priority; the facts keep what each listing showed. */
const LISTINGS: readonly { section: string; listing: TcListing; args: string }[] = [
  { section: 'qdisc', listing: 'qdisc', args: 'qdisc show dev' },
  { section: 'class', listing: 'class', args: 'class show dev' },
  { section: 'filter', listing: 'filter', args: 'filter show dev' },
  { section: 'ingress-filter', listing: 'filter', args: 'filter show ingress dev' },
];

export function tcScript(interfaces: readonly string[], marker: string): string {
  const lines: string[] = [];
  for (const dev of interfaces) {
    const quoted = shellQuote(tcDevice(dev));
    for (const { section, args } of LISTINGS) {
      lines.push(`echo '${marker} ${section} '${quoted}`, `tc -j ${args} ${quoted} 2>&1; echo "${marker} rc $?"`);
    }
    // Shell builtins only (no awk): the class handle is the third word of `tc class show`.
    lines.push(
      `tc class show dev ${quoted} 2>/dev/null | while read -r word kind handle rest; do`,
      `  [ "$word" = class ] || continue`,
      `  echo '${marker} class-filter '${quoted}" $handle"`,
      `  tc -j filter show dev ${quoted} parent "$handle" 2>&1; echo "${marker} rc $?"`,
      'done',
    );
  }
  return lines.join('\n');
}

interface Section {
  section: string;
  dev: string;
  /** The class a class-filter section lists the filters of. */
  parent: string | null;
  output: string[];
  exitCode: number | null;
}

function splitSections(stdout: string, marker: string): Section[] {
  const sections: Section[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${marker} rc `)) {
      const last = sections[sections.length - 1];
      if (last) last.exitCode = Number(line.slice(marker.length + 4));
    } else if (line.startsWith(`${marker} `)) {
      // Interface names (checked by tcScript) and class handles hold no blank: splitting is safe.
      const [section = '', dev = '', parent] = line.slice(marker.length + 1).split(' ');
      sections.push({ section, dev, parent: parent ?? null, output: [], exitCode: null });
    } else {
      sections[sections.length - 1]?.output.push(line);
    }
  }
  return sections;
}

export async function observeTc(context: HostProbeContext, wanted: TcProbeTarget): Promise<ProbeResult<TcFacts>> {
  const target = context.target;
  const optional = new Set(wanted.optional);
  const devices = [...wanted.interfaces, ...[...optional].filter((d) => !wanted.interfaces.includes(d))];
  if (devices.length === 0) return { facts: { interfaces: [] }, diagnostics: [] };
  const marker = `pytin-tc-${randomBytes(8).toString('hex')}`;
  const outcome = await runFactCommand(context, 'tc', 'tc', tcScript(devices, marker));
  if (!outcome.ok) return { facts: null, diagnostics: [outcome.diagnostic] };
  const byDev = new Map<string, TcInterfaceFacts>();
  const missing = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const s of splitSections(outcome.result.stdout, marker)) {
    const text = s.output.join('\n');
    if (s.exitCode !== 0) {
      if (/Cannot find device/.test(text)) {
        if (optional.has(s.dev)) {
          missing.add(s.dev);
          continue;
        }
        if (!missing.has(s.dev))
          diagnostics.push(hostDiagnostic(target, 'OBS_HOST_TC_DEVICE_MISSING', `tc: interface "${s.dev}" does not exist on ${target.name}`));
        missing.add(s.dev);
      } else {
        diagnostics.push(hostDiagnostic(target, 'OBS_HOST_COMMAND_FAILED', `tc: "tc ${s.section} show dev ${s.dev}" failed: ${text.trim().slice(0, 200)}`));
      }
      continue;
    }
    const listing = s.section === 'class-filter' ? 'filter' : LISTINGS.find((l) => l.section === s.section)?.listing;
    if (!listing) continue;
    let objects: TcObject[];
    try {
      // Filters listed by parent do not repeat the parent in their JSON.
      objects = parseTcListing(listing, text).map((o) => (s.parent && o.parent === null ? { ...o, parent: s.parent } : o));
    } catch (error) {
      diagnostics.push(hostDiagnostic(target, 'OBS_HOST_OUTPUT_UNPARSABLE', `tc: ${s.section} of ${s.dev}: ${(error as Error).message}`));
      continue;
    }
    const facts = byDev.get(s.dev) ?? { device: s.dev, qdiscs: [], classes: [], filters: [] };
    byDev.set(s.dev, facts);
    if (listing === 'qdisc') facts.qdiscs.push(...objects);
    else if (listing === 'class') facts.classes.push(...objects);
    else facts.filters.push(...objects);
  }
  // All or nothing per kind: a listing that failed on a configured interface leaves tc unknown.
  if (diagnostics.length > 0) return { facts: null, diagnostics };
  // A missing optional device is listed empty: "nothing of pytin's there yet".
  return {
    summary: `tc on ${devices.length} interfaces`,
    facts: { interfaces: devices.map((dev) => byDev.get(dev) ?? { device: dev, qdiscs: [], classes: [], filters: [] }) },
    diagnostics,
  };
}
