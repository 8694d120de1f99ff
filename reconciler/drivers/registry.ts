import type { HostFacts } from '../observe/hosts/host-facts.js';
import type { PlanContext, PlanningDriver } from './planning-driver.js';
import { desiredDomains } from './kvm/desired-domains.js';
import { kvmDriver } from './kvm/kvm-driver.js';
import { observedHypervisors } from './kvm/observed-hypervisors.js';

/** The inventory's non-YAML files as text, by path: kickstart templates. */
function templatesOf(context: PlanContext): Map<string, string> {
  return new Map(context.snapshot.auxFiles.map((f) => [f.path, Buffer.from(f.bytes).toString('utf8')]));
}

/** The stored host facts in the shape the observers produce (what drivers read). */
export function hostFactsOf(context: PlanContext): HostFacts[] {
  return [...context.facts.hosts].map(([host, stored]) => ({
    host,
    observedAt: Math.max(stored.domains?.observedAt ?? 0, stored.tc?.observedAt ?? 0, stored.basics?.observedAt ?? 0),
    basics: stored.basics?.value ?? null,
    domains: stored.domains?.value ?? null,
    tc: stored.tc?.value ?? null,
    diagnostics: [],
  }));
}

const kvm: PlanningDriver = {
  name: kvmDriver.name,
  order: kvmDriver.order,
  plan: (context) => kvmDriver.plan({ desired: desiredDomains(context.state, { templates: templatesOf(context) }), observed: observedHypervisors(hostFactsOf(context)) }),
  apply: (change, context) => kvmDriver.apply(change, context),
};

/** Every driver, in one place, in dependency order. */
export const DRIVERS: readonly PlanningDriver[] = [kvm];

export function driverNamed(name: string): PlanningDriver | undefined {
  return DRIVERS.find((d) => d.name === name);
}
