import type { HostFacts } from '../observe/hosts/host-facts.js';
import type { PlanContext, PlanningDriver } from './planning-driver.js';
import { desiredDomains } from './kvm/desired-domains.js';
import { kvmDriver } from './kvm/kvm-driver.js';
import { observedHypervisors } from './kvm/observed-hypervisors.js';
import { bandwidthDriver, type BandwidthHostInput } from './bandwidth/bandwidth-driver.js';
import { compileShaping } from './bandwidth/compile-shaping.js';
import { readShaping } from './bandwidth/read-shaping.js';
import { resourcesOfKind } from '../../inventory/model/desired-state.js';
import type { BackupPolicySpec, ServerSpec } from '../../inventory/model/specs.js';
import { backupPolicyDriver } from './backup-policy/backup-policy-driver.js';
import type { PolicyHostInput } from './backup-policy/plan-policies.js';
import { DEFAULT_AGENT } from './backup-policy/policy-files.js';
import type { JsonValue } from '../plan/change.js';

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
    backups: stored.backups?.value ?? null,
    diagnostics: [],
  }));
}

const kvm: PlanningDriver = {
  name: kvmDriver.name,
  order: kvmDriver.order,
  plan: (context) => kvmDriver.plan({ desired: desiredDomains(context.state, { templates: templatesOf(context) }), observed: observedHypervisors(hostFactsOf(context)) }),
  apply: (change, context) => kvmDriver.apply(change, context),
};

/** Shared hosts: the servers with a shaping section (or, once shaped, whose tc pytin owns). */
const tc: PlanningDriver = {
  name: bandwidthDriver.name,
  order: bandwidthDriver.order,
  plan: (context) => {
    const hosts: BandwidthHostInput[] = [];
    for (const server of resourcesOfKind<ServerSpec>(context.state, 'Server')) {
      if (!server.spec.shaping) continue;
      const stored = context.facts.hosts.get(server.name)?.tc;
      const observed = stored ? readShaping(stored.value) : null;
      const last = context.facts.lastApplied.get(`shaping/${server.name}`);
      hosts.push({
        desired: compileShaping(server.name, server.spec.shaping, observed),
        observed,
        lastApplied: last === undefined ? null : (JSON.parse(last) as JsonValue),
        ...(stored ? { observedAt: new Date(stored.observedAt).toISOString() } : {}),
      });
    }
    return bandwidthDriver.plan({ hosts });
  },
  apply: (change, context) => bandwidthDriver.apply(change, context),
};

/** Hosts that run backup policies (or ran them: their schedules are checked for leftovers). */
const backups: PlanningDriver = {
  name: backupPolicyDriver.name,
  order: backupPolicyDriver.order,
  plan: (context) => {
    const policies = resourcesOfKind<BackupPolicySpec>(context.state, 'BackupPolicy');
    const hosts: PolicyHostInput[] = [];
    for (const server of resourcesOfKind<ServerSpec>(context.state, 'Server')) {
      const own = policies.filter((p) => p.spec.host === server.name).map((p) => p.spec);
      const stored = context.facts.hosts.get(server.name)?.backups;
      if (own.length === 0 && !stored?.value.installed.length) continue;
      hosts.push({
        host: server.name,
        agent: server.spec.backupAgent ?? DEFAULT_AGENT,
        policies: own,
        observed: stored?.value.policies ?? null,
        installed: stored?.value.installed ?? [],
        observedAt: stored?.observedAt ?? null,
      });
    }
    return backupPolicyDriver.plan({ hosts, now: context.now });
  },
  apply: (change, context) => backupPolicyDriver.apply(change, context),
};

/** Every driver, in one place, in dependency order. */
export const DRIVERS: readonly PlanningDriver[] = [kvm, tc, backups];
