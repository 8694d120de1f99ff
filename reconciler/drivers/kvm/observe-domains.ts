import { randomBytes } from 'node:crypto';

import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { runFactCommand } from '../../observe/hosts/host-command.js';
import { hostDiagnostic } from '../../observe/hosts/host-diagnostics.js';
import type { HostProbe, HostProbeContext, ProbeResult } from '../../observe/hosts/host-probe.js';
import type { DomainFacts } from './domain-facts.js';
import { everyDomainScript, markedSections } from './every-domain.js';
import { parseDomainConfig, parseDomainState, parseDomainXml } from './xml/parse-domain-xml.js';
import { parseXml } from './xml/parse-xml.js';

/** The key the KVM driver's facts are stored under (one document per hypervisor). */
export const KVM_FACTS_KEY = 'domains';

/** The domains script: for each domain its state, its live definition and its persistent one
 * (a hand change made with `--config` shows only in the latter while the domain runs). */
export function domainsScript(uri: string | undefined, marker: string): string {
  return everyDomainScript(uri, marker, ['domstate {uuid}', 'dumpxml {uuid}', 'dumpxml --inactive {uuid}']);
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
    const starts = section.lines.flatMap((l, i) => (l.trimStart().startsWith('<domain') ? [i] : []));
    const state = section.lines.find((l) => l.trim() !== '') ?? '';
    if (starts.length !== 2) {
      diagnostics.push(
        hostDiagnostic(target, 'OBS_HOST_DOMAIN_VANISHED', `domain ${section.uuid} was listed but could not be read (undefined meanwhile?)`, {
          severity: 'warning',
        }),
      );
      continue;
    }
    try {
      const live = parseDomainXml(parseXml(section.lines.slice(starts[0], starts[1]).join('\n')), parseDomainState(state));
      const config = parseDomainConfig(parseXml(section.lines.slice(starts[1]).join('\n')));
      domains.push({ ...live, config });
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
