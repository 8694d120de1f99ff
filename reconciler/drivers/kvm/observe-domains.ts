import { randomBytes } from 'node:crypto';

import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { runFactCommand } from '../../observe/hosts/host-command.js';
import { hostDiagnostic } from '../../observe/hosts/host-diagnostics.js';
import type { HostProbe, HostProbeContext, ProbeResult } from '../../observe/hosts/host-probe.js';
import type { DomainFacts } from './domain-facts.js';
import { everyDomainScript, markedSections } from './every-domain.js';
import { parseDomainState, parseDomainXml } from './xml/parse-domain-xml.js';
import { parseXml } from './xml/parse-xml.js';

/** The key the KVM driver's facts are stored under (one document per hypervisor). */
export const KVM_FACTS_KEY = 'domains';

/** The domains script: for each domain its state and its live definition. */
export function domainsScript(uri: string | undefined, marker: string): string {
  return everyDomainScript(uri, marker, ['domstate {uuid}', 'dumpxml {uuid}']);
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
  for (const section of markedSections(outcome.result.stdout, marker)) {
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
