import type { Driver } from '../driver.js';
import { applyDomain } from './apply/apply-domain.js';
import type { DomainFacts } from './domain-facts.js';
import { domainsProbe, KVM_FACTS_KEY } from './observe-domains.js';
import { desiredDomains, libvirtUrisOf } from './plan/desired-domains.js';
import { KVM_DRIVER_NAME, type ObservedHypervisor, planDomains } from './plan/plan-domains.js';

/** Dependency order within a host: VMs (20) before bandwidth limits (30), so a VM's limits are
 * set on a domain that exists. */
export const KVM_DRIVER_ORDER = 20;

/** The KVM (libvirt) driver: observes the domains of each hypervisor (`virsh` over SSH), plans
 * them against the VMs in git, and applies the changes with virsh over the hypervisor's runner. */
export const kvmDriver: Driver = {
  name: KVM_DRIVER_NAME,
  order: KVM_DRIVER_ORDER,
  factsKey: KVM_FACTS_KEY,
  // Domains only where a libvirt URI says the server is a hypervisor: virsh's own default on other
  // hosts would only produce a failure about a hypervisor nobody asked for.
  hostProbe: (server) => (server.roles.includes('hypervisor') && server.libvirtUri !== undefined ? domainsProbe(server.libvirtUri) : undefined),
  plan(input) {
    const observed = new Map<string, ObservedHypervisor>();
    for (const [host, view] of input.facts.hosts) {
      const stored = view.facts.get(KVM_FACTS_KEY);
      // When the host was last looked at: its newest fact of any kind (a host whose domains could
      // not be read still has an observation time; its domains are null).
      let observedAt = 0;
      for (const fact of view.facts.values()) observedAt = Math.max(observedAt, fact.observedAt);
      observed.set(host, { observedAt, domains: (stored?.value as DomainFacts[] | undefined) ?? null });
    }
    return planDomains({
      desired: desiredDomains(input.state, {
        templates: input.files,
        libvirtUris: libvirtUrisOf(input.connections),
        ...(input.sources ? { sources: input.sources } : {}),
      }),
      observed,
    });
  },
  apply: applyDomain,
};
