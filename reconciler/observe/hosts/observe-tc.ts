import { randomBytes } from 'node:crypto';
import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { SshPool } from '../../transports/ssh/ssh-pool.js';
import { shellQuote } from '../../transports/ssh/shell-quote.js';
import { runFactCommand } from './host-command.js';
import { hostDiagnostic } from './host-diagnostics.js';
import type { TcFacts, TcInterfaceFacts, TcObject } from './host-facts.js';
import type { HostTarget } from './host-target.js';
import { parseTcListing, type TcListing } from './parse-tc.js';

/** The listings read per interface. Egress filters hang off the root qdisc; ingress ones off
 * the ingress qdisc, which `filter show` only lists when asked for it. */
const LISTINGS: readonly { section: string; listing: TcListing; args: string }[] = [
  { section: 'qdisc', listing: 'qdisc', args: 'qdisc show dev' },
  { section: 'class', listing: 'class', args: 'class show dev' },
  { section: 'filter', listing: 'filter', args: 'filter show dev' },
  { section: 'ingress-filter', listing: 'filter', args: 'filter show ingress dev' },
];

export function tcScript(interfaces: readonly string[], marker: string): string {
  const lines: string[] = [];
  for (const dev of interfaces) {
    for (const { section, args } of LISTINGS) {
      lines.push(`echo '${marker} ${section} '${shellQuote(dev)}`, `tc -j ${args} ${shellQuote(dev)} 2>&1; echo "${marker} rc $?"`);
    }
  }
  return lines.join('\n');
}

interface Section {
  section: string;
  dev: string;
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
      const rest = line.slice(marker.length + 1);
      const space = rest.indexOf(' ');
      sections.push({ section: rest.slice(0, space), dev: rest.slice(space + 1), output: [], exitCode: null });
    } else {
      sections[sections.length - 1]?.output.push(line);
    }
  }
  return sections;
}

export async function observeTc(pool: SshPool, target: HostTarget, timeoutMs: number): Promise<{ tc: TcFacts | null; diagnostics: Diagnostic[] }> {
  if (target.tcInterfaces.length === 0) return { tc: { interfaces: [] }, diagnostics: [] };
  const marker = `pytin-tc-${randomBytes(8).toString('hex')}`;
  const outcome = await runFactCommand(pool, target, 'tc', 'tc', tcScript(target.tcInterfaces, marker), timeoutMs);
  if (!outcome.ok) return { tc: null, diagnostics: [outcome.diagnostic] };
  const byDev = new Map<string, TcInterfaceFacts>();
  const missing = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const s of splitSections(outcome.result.stdout, marker)) {
    const text = s.output.join('\n');
    if (s.exitCode !== 0) {
      if (/Cannot find device/.test(text)) {
        if (!missing.has(s.dev)) diagnostics.push(hostDiagnostic(target, 'OBS_HOST_TC_DEVICE_MISSING', `tc: interface "${s.dev}" does not exist on ${target.name}`));
        missing.add(s.dev);
      } else {
        diagnostics.push(hostDiagnostic(target, 'OBS_HOST_COMMAND_FAILED', `tc: "tc ${s.section} show dev ${s.dev}" failed: ${text.trim().slice(0, 200)}`));
      }
      continue;
    }
    const listing = LISTINGS.find((l) => l.section === s.section)?.listing;
    if (!listing) continue;
    let objects: TcObject[];
    try {
      objects = parseTcListing(listing, text);
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
  if (diagnostics.length > 0) return { tc: null, diagnostics };
  return { tc: { interfaces: target.tcInterfaces.map((dev) => byDev.get(dev) ?? { device: dev, qdiscs: [], classes: [], filters: [] }) }, diagnostics };
}
