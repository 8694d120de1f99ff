import { connectionSettingsOf } from '../../inventory/model/connection-settings.js';
import { type DesiredState, resourcesOfKind } from '../../inventory/model/desired-state.js';
import type { BackupPolicySpec } from '../../inventory/model/specs.js';
import type { BackupsFacts } from '../../reconciler/drivers/backup-policy/backup-facts.js';
import { cronFileName, DEFAULT_AGENT, policyFiles } from '../../reconciler/drivers/backup-policy/policy-files.js';
import type { DomainFacts } from '../../reconciler/drivers/kvm/domain-facts.js';
import { desiredDomains, libvirtUrisOf } from '../../reconciler/drivers/kvm/plan/desired-domains.js';
import { generateDomainXml } from '../../reconciler/drivers/kvm/xml/domain-xml.js';
import { parseDomainConfig, parseDomainXml } from '../../reconciler/drivers/kvm/xml/parse-domain-xml.js';
import { parseXml } from '../../reconciler/drivers/kvm/xml/parse-xml.js';
import { recordHostObservation } from '../../reconciler/store/facts/host-store.js';
import type { Store } from '../../reconciler/store/open-store.js';

export interface MatchingFactsOptions {
  /** When host number `index` (1-based, in the generator's order) was observed. */
  observedAt(index: number): number;
  /** Changes what a hypervisor shows (a missing domain, a hand change); null: never observed. */
  mutate?(index: number, domains: DomainFacts[]): DomainFacts[] | null;
}

/** Records in the store the facts a fully applied inventory shows: every hypervisor's domains as
 * pytin would have defined them (its generated XML parsed by the observer's own parser), every
 * backup node's policies installed as pytin writes them. For benchmarks and golden tests. */
export async function recordMatchingFacts(store: Store, state: DesiredState, commit: string | null, options: MatchingFactsOptions): Promise<number> {
  const desired = desiredDomains(state, { templates: new Map(), libvirtUris: libvirtUrisOf(connectionSettingsOf(state)) });
  const basics = (host: string) => ({ hostname: host, kernel: '6.1', uptimeSeconds: 1 });
  let index = 0;
  for (const [host, hypervisor] of desired.hypervisors) {
    index++;
    // As observe records them: the live definition and the persistent one (the same here).
    const domains = hypervisor.domains.map((spec) => {
      const root = parseXml(generateDomainXml(spec, commit));
      return { ...parseDomainXml(root, 'running'), config: parseDomainConfig(root) };
    });
    const shown = options.mutate ? options.mutate(index, domains) : domains;
    if (shown === null) continue;
    const empty: BackupsFacts = { policies: [], installed: [] };
    await recordHostObservation(store, {
      host,
      startedAt: options.observedAt(index),
      observedAt: options.observedAt(index),
      facts: new Map<string, unknown>([
        ['basics', basics(host)],
        ['domains', shown],
        ['tc', { interfaces: [] }],
        ['backups', empty],
      ]),
      errors: [],
    });
  }
  const byHost = new Map<string, BackupPolicySpec[]>();
  for (const p of resourcesOfKind<BackupPolicySpec>(state, 'BackupPolicy')) byHost.set(p.spec.host, [...(byHost.get(p.spec.host) ?? []), p.spec]);
  for (const [host, policies] of byHost) {
    const files = policies.map((p) => ({ name: p.name, ...policyFiles(p, DEFAULT_AGENT) }));
    const backups: BackupsFacts = {
      policies: files.map((f) => ({ name: f.name, cron: f.cronText, exclude: f.excludeText, series: [] })),
      installed: files.map((f) => ({ file: cronFileName(f.name), text: f.cronText })),
    };
    await recordHostObservation(store, {
      host,
      startedAt: options.observedAt(0),
      observedAt: options.observedAt(0),
      facts: new Map<string, unknown>([
        ['basics', basics(host)],
        ['domains', null],
        ['tc', { interfaces: [] }],
        ['backups', backups],
      ]),
      errors: [],
    });
  }
  return desired.hypervisors.size;
}
