import { randomBytes } from 'node:crypto';

import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { runFactCommand } from '../../observe/hosts/host-command.js';
import { hostDiagnostic } from '../../observe/hosts/host-diagnostics.js';
import type { HostProbe, HostProbeContext, ProbeResult } from '../../observe/hosts/host-probe.js';
import { shellQuote } from '../../transports/shell-quote.js';
import { checkedUri } from './apply/sink-values.js';
import type { DomainFacts } from './domain-facts.js';
import { parseDomainState, parseDomainXml } from './xml/parse-domain-xml.js';
import { parseXml } from './xml/parse-xml.js';

/** The key the KVM driver's facts are stored under (one document per hypervisor). */
export const KVM_FACTS_KEY = 'domains';

/** One remote command for all domains: list UUIDs (safe words, unlike names), then ONE virsh
 * connection runs `echo MARK uuid; domstate uuid; dumpxml uuid` for each — one round trip, and
 * one libvirt connection (which also makes the test driver's in-memory state consistent). */
export function domainsScript(uri: string | undefined, marker: string): string {
  const connect = uri ? `-c ${shellQuote(checkedUri(uri))}` : '';
  return [
    `uuids=$(virsh ${connect} list --all --uuid) || exit $?`,
    'cmds=',
    `for u in $uuids; do cmds="$cmds echo ${marker} $u; domstate $u; dumpxml $u;"; done`,
    '[ -n "$cmds" ] || exit 0',
    `exec virsh ${connect} "$cmds"`,
  ].join('\n');
}

interface DomainSection {
  uuid: string;
  lines: string[];
}

function splitSections(stdout: string, marker: string): DomainSection[] {
  const sections: DomainSection[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${marker} `)) sections.push({ uuid: line.slice(marker.length + 1).trim(), lines: [] });
    else sections[sections.length - 1]?.lines.push(line);
  }
  return sections;
}

/** Reads every domain of a hypervisor through `virsh -c URI` (the URI from trusted connection
 * settings). */
export function domainsProbe(uri: string): HostProbe<DomainFacts[]> {
  return { key: KVM_FACTS_KEY, run: (context) => observeDomains(context, uri) };
}

export async function observeDomains(context: HostProbeContext, uri: string | undefined): Promise<ProbeResult<DomainFacts[]>> {
  const target = context.target;
  const marker = `pytin-domain-${randomBytes(8).toString('hex')}`;
  const outcome = await runFactCommand(context, 'domains', 'virsh', domainsScript(uri, marker));
  if (!outcome.ok) return { facts: null, diagnostics: [outcome.diagnostic] };
  const domains: DomainFacts[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const section of splitSections(outcome.result.stdout, marker)) {
    const xmlStart = section.lines.findIndex((l) => l.trimStart().startsWith('<domain'));
    const state = section.lines.find((l) => l.trim() !== '') ?? '';
    if (xmlStart < 0) {
      diagnostics.push(
        hostDiagnostic(target, 'OBS_HOST_DOMAIN_VANISHED', `domain ${section.uuid} was listed but could not be read (undefined meanwhile?)`, {
          severity: 'warning',
        }),
      );
      continue;
    }
    try {
      domains.push(parseDomainXml(parseXml(section.lines.slice(xmlStart).join('\n')), parseDomainState(state)));
    } catch (error) {
      // One unreadable definition must not hide the others, but the kind is then incomplete:
      // report it as an error so nobody plans against a partial list.
      diagnostics.push(
        hostDiagnostic(target, 'OBS_HOST_OUTPUT_UNPARSABLE', `domains: the definition of ${section.uuid} could not be read: ${(error as Error).message}`),
      );
      return { facts: null, diagnostics };
    }
  }
  domains.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { facts: domains, diagnostics, summary: `${domains.length} domains` };
}
