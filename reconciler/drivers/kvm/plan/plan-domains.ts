import type { Diagnostic } from '../../../../inventory/core/diagnostic.js';
import type { Change } from '../../../plan/change.js';
import type { Drift, DriftEvidence } from '../../../plan/drift.js';
import type { DriverPlan } from '../../../plan/planning-port.js';
import type { DomainFacts } from '../domain-facts.js';
import type { KvmCode } from '../kvm-codes.js';
import type { DesiredDomains } from './desired-domains.js';
import { destroyNotes } from './destructive.js';
import { describeBytes, diskReplaceReason, diskResizes, growNote } from './disk-changes.js';
import { type DomainSpec, domainSpecJson, type RateLimit } from './domain-spec.js';
import { guestMemoryKiB, type ObservedDomain, observedDomainJson, observeDomain } from './observed-domain.js';

export const KVM_DRIVER_NAME = 'kvm';

/** One hypervisor's observed domains (from HostFacts). `domains` null: not observed. */
export interface ObservedHypervisor {
  observedAt: number;
  domains: DomainFacts[] | null;
}

export interface KvmPlanInput {
  desired: DesiredDomains;
  /** By hypervisor name (the inventory's Server name). */
  observed: ReadonlyMap<string, ObservedHypervisor>;
}

/** Fields changed in place (`disks`: a disk grows); any other difference (a disk's bus, volume or
 * count, the NIC set or a bridge) is a replace. */
export type InPlaceField = 'vcpus' | 'memoryKiB' | 'interfaces' | 'disks';

const RESTART_NOTE = 'restart needed: vCPU and memory are changed in the domain configuration and take effect at its next boot';
const LIVE_LIMITS_NOTE = 'limits change live (domiftune --live) and in the configuration';

function sameRate(a: RateLimit | null, b: RateLimit | null): boolean {
  return a === b || (a !== null && b !== null && a.average === b.average && a.peak === b.peak && a.burst === b.burst);
}

function describeRate(rate: RateLimit | null): string {
  return rate ? `average ${rate.average} kB/s${rate.peak ? `, peak ${rate.peak}` : ''}${rate.burst ? `, burst ${rate.burst} KiB` : ''}` : 'none';
}

/** NICs are matched by position; a different MAC or bridge (or count) is a replace, as for disks:
 * it changes what the guest sees as its network. */
function interfaceDifference(spec: DomainSpec, observed: ObservedDomain): string | null {
  if (spec.interfaces.length !== observed.interfaces.length) return `${observed.interfaces.length} interface(s) on the host, ${spec.interfaces.length} in git`;
  for (const [i, nic] of spec.interfaces.entries()) {
    const seen = observed.interfaces[i]!;
    if (seen.mac !== nic.mac) return `interface ${nic.name}: MAC ${seen.mac ?? 'none'} on the host, ${nic.mac} in git`;
    if (seen.bridge !== nic.bridge) return `interface ${nic.name}: bridge ${seen.bridge ?? 'none'} on the host, ${nic.bridge} in git`;
  }
  return null;
}

function inPlaceFields(spec: DomainSpec, observed: ObservedDomain): InPlaceField[] {
  const fields: InPlaceField[] = [];
  if (observed.vcpus !== spec.vcpus) fields.push('vcpus');
  if (observed.memoryKiB !== spec.memoryKiB) fields.push('memoryKiB');
  if (spec.interfaces.some((nic, i) => !sameRate(nic.inbound, observed.interfaces[i]!.inbound) || !sameRate(nic.outbound, observed.interfaces[i]!.outbound))) {
    fields.push('interfaces');
  }
  return fields;
}

function handChangedLimits(observed: ObservedDomain, address: string, evidence: DriftEvidence): Drift[] {
  const applied = observed.ownership?.applied;
  if (!applied) return [];
  const drift: Drift[] = [];
  for (const recorded of applied.interfaces) {
    const seen = observed.interfaces.find((i) => i.mac === recorded.mac);
    if (!seen) continue;
    for (const direction of ['inbound', 'outbound'] as const) {
      if (sameRate(recorded[direction], seen[direction])) continue;
      drift.push({
        address,
        kind: 'limit-changed-by-hand',
        evidence,
        message: `${recorded.name} ${direction} limit is ${describeRate(seen[direction])} on ${evidence.where}, but pytin applied ${describeRate(recorded[direction])} (commit ${observed.ownership?.commit ?? 'unknown'})`,
      });
    }
  }
  return drift;
}

function describeKiB(kib: number | null): string {
  if (kib === null) return 'unknown';
  if (kib % 1048576 === 0) return `${kib / 1048576} GiB`;
  if (kib % 1024 === 0) return `${kib / 1024} MiB`;
  return `${kib} KiB`;
}

function describeResources(vcpus: number | null, memoryKiB: number | null): string {
  return `${vcpus ?? 'unknown'} vCPUs and ${describeKiB(memoryKiB)}`;
}

/** vCPUs and memory changed outside pytin: in the persistent definition (against pytin's record
 * of what it applied; the update restoring git's values is planned too), and a running domain
 * whose live values are not its definition's (changed while running, or a restart pending). Both
 * values are in the message. Needs facts with the persistent definition. */
function handChangedResources(observed: ObservedDomain, address: string, evidence: DriftEvidence): Drift[] {
  const applied = observed.ownership?.applied;
  const { config } = observed.facts;
  if (!applied || !config) return [];
  const drift: Drift[] = [];
  if (observed.vcpus !== applied.vcpus || observed.memoryKiB !== applied.memoryKiB) {
    drift.push({
      address,
      kind: 'resources-changed-by-hand',
      evidence,
      message: `the configuration on ${evidence.where} has ${describeResources(observed.vcpus, observed.memoryKiB)}, but pytin applied ${describeResources(applied.vcpus, applied.memoryKiB)} (commit ${observed.ownership?.commit ?? 'unknown'})`,
    });
  }
  const live = {
    vcpus: observed.facts.vcpu,
    memoryKiB: guestMemoryKiB({ memoryKiB: observed.facts.memoryKiB, currentMemoryKiB: observed.facts.currentMemoryKiB ?? null, vcpu: null }),
  };
  if (observed.facts.state !== 'shut-off' && (live.vcpus !== observed.vcpus || live.memoryKiB !== observed.memoryKiB)) {
    drift.push({
      address,
      kind: 'running-differs-from-config',
      evidence,
      message: `runs with ${describeResources(live.vcpus, live.memoryKiB)} on ${evidence.where}; its configuration has ${describeResources(observed.vcpus, observed.memoryKiB)} (changed while running, or a restart pending)`,
    });
  }
  return drift;
}

/** `seenAt`: the hypervisor's observation time as ISO text, formatted once per hypervisor (every
 * owned domain gets evidence, drifted or not). */
function evidenceFor(host: string, seenAt: string, domain: string): DriftEvidence {
  return { source: 'ssh', where: `${host} (virsh domain ${domain})`, seenAt };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The KVM driver's plan. Pure: desired domains per hypervisor against observed domains per
 * hypervisor.
 * - A VM missing from its hypervisor is created, unless it runs on another one (drift
 *   `vm-on-wrong-hypervisor`: creating a second copy with the same MAC and addresses is worse).
 * - A VM present and owned by pytin is updated in place where libvirt can (vCPU, memory: config
 *   with a restart note; limits: live and config; a disk that grows) and replaced where it cannot
 *   (diskReplaceReason, interfaceDifference). A replace or delete notes which disks it destroys.
 * - A disk smaller in git than pytin made it is refused (error at the size in the YAML) and
 *   nothing is planned for that VM.
 * - A domain with a VM's name that pytin does not own is never touched (error diagnostic).
 * - A domain git does not know is deleted only if its metadata says pytin owns it; otherwise it is
 *   drift `unknown-vm`. A domain named like a VM of another hypervisor is never deleted.
 * - Limits that differ from those pytin recorded at its last apply are drift
 *   `limit-changed-by-hand`; git stays the truth, so the update restoring them is planned too.
 * - A hypervisor whose domains were not observed gets no change at all (warning): without knowing
 *   what is there, neither a create nor a delete is safe. */
export function planDomains(input: KvmPlanInput): DriverPlan {
  const { desired, observed } = input;
  const changes: Change[] = [];
  const drift: Drift[] = [];
  const diagnostics: Diagnostic[] = [...desired.diagnostics];
  const seenOn = new Map<string, string[]>();
  for (const [host, facts] of observed) {
    for (const domain of facts.domains ?? []) {
      const hosts = seenOn.get(domain.name);
      if (hosts) hosts.push(host);
      else seenOn.set(domain.name, [host]);
    }
  }

  for (const hypervisor of [...desired.hypervisors.values()].sort((a, b) => compare(a.name, b.name))) {
    const facts = observed.get(hypervisor.name);
    if (!facts || facts.domains === null) {
      diagnostics.push({
        severity: 'warning',
        code: 'PLAN_KVM_HOST_NOT_OBSERVED' satisfies KvmCode,
        summary: `the domains of hypervisor "${hypervisor.name}" were not observed; its ${hypervisor.domains.length} VM(s) are not planned`,
        address: `server/${hypervisor.name}`,
      });
      continue;
    }
    const byName = new Map(facts.domains.map((d) => [d.name, d]));
    const seenAt = new Date(facts.observedAt).toISOString();
    for (const spec of hypervisor.domains) {
      // `before`/`after` (the change's JSON) are built only for a change: most VMs have none.
      const domain = byName.get(spec.name);
      if (!domain) {
        // Elsewhere: the orphan pass below reports it as on the wrong hypervisor.
        if ((seenOn.get(spec.name) ?? []).length > 0) continue;
        changes.push({
          address: spec.address,
          action: 'create',
          driver: KVM_DRIVER_NAME,
          host: hypervisor.name,
          before: null,
          after: domainSpecJson(spec),
          reason: `not defined on ${hypervisor.name}`,
        });
        continue;
      }
      const seen = observeDomain(domain);
      if (!seen.ownership || seen.ownership.address !== spec.address) {
        diagnostics.push({
          severity: 'error',
          code: 'PLAN_KVM_DOMAIN_NOT_OWNED' satisfies KvmCode,
          summary: `domain "${spec.name}" on ${hypervisor.name} was not created by pytin${seen.ownership ? ` (its metadata names ${seen.ownership.address})` : ''}; pytin will not change it`,
          address: spec.address,
        });
        continue;
      }
      const evidence = evidenceFor(hypervisor.name, seenAt, domain.name);
      drift.push(...handChangedLimits(seen, spec.address, evidence), ...handChangedResources(seen, spec.address, evidence));
      const before = () => observedDomainJson(seen, hypervisor.name, hypervisor.uri, hypervisor.strategy);
      const resizes = diskResizes(spec, seen);
      if (resizes.shrunk.length > 0) {
        // Nothing at all is planned for the VM: an update would record git's smaller size on the
        // domain, and the refusal would vanish from the next plan while the disk stays as it is.
        for (const shrink of resizes.shrunk) {
          const subject = desired.diskSizeAt(spec.name, shrink.index);
          diagnostics.push({
            severity: 'error',
            code: 'PLAN_KVM_DISK_SHRINK' satisfies KvmCode,
            summary: `disk ${shrink.name} of ${spec.name} is ${describeBytes(shrink.fromBytes)} on ${hypervisor.name}; git says ${describeBytes(shrink.toBytes)}: pytin never shrinks a disk`,
            detail:
              'Shrinking cuts off whatever the guest keeps at the end of the disk. Keep the size (or grow it); to start over with a smaller disk, give the disk a new name: the VM is then replaced and the old disk destroyed, which the plan shows.',
            address: spec.address,
            ...(subject ? { subject } : {}),
          });
        }
        continue;
      }
      const disks = diskReplaceReason(spec, seen);
      const nics = interfaceDifference(spec, seen);
      if (disks || nics) {
        const reason = [disks, nics].filter(Boolean).join('; ');
        const change: Change = {
          address: spec.address,
          action: 'replace',
          driver: KVM_DRIVER_NAME,
          host: hypervisor.name,
          before: before(),
          after: domainSpecJson(spec),
          reason: `${reason}: libvirt cannot change this in place`,
        };
        changes.push({
          ...change,
          fields: [...(disks ? ['disks'] : []), ...(nics ? ['interfaces'] : [])],
          notes: destroyNotes(change, seen.disks, hypervisor.strategy.provisionVolumes),
        });
        continue;
      }
      const fields: InPlaceField[] = [...inPlaceFields(spec, seen), ...(resizes.grown.length > 0 ? ['disks' as const] : [])];
      if (fields.length === 0) continue;
      const notes: string[] = [];
      if (fields.includes('vcpus') || fields.includes('memoryKiB')) notes.push(RESTART_NOTE);
      if (fields.includes('interfaces')) notes.push(LIVE_LIMITS_NOTE);
      notes.push(...resizes.grown.map((g) => growNote(g, hypervisor.strategy.provisionVolumes)));
      changes.push({
        address: spec.address,
        action: 'update',
        driver: KVM_DRIVER_NAME,
        host: hypervisor.name,
        before: before(),
        after: domainSpecJson(spec),
        fields,
        notes,
        reason: `${fields.join(', ')} differ from git`,
      });
    }
  }

  // Domains git does not put where they are.
  for (const [host, facts] of [...observed].sort((a, b) => compare(a[0], b[0]))) {
    const hypervisor = desired.hypervisors.get(host);
    const wanted = new Set(hypervisor?.domains.map((d) => d.name));
    const seenAt = new Date(facts.observedAt).toISOString();
    for (const domain of facts.domains ?? []) {
      if (wanted.has(domain.name)) continue;
      const gitHost = desired.vmHosts.get(domain.name);
      if (gitHost === host) continue; // a VM of this host that could not be compiled: diagnosed above
      const evidence = evidenceFor(host, seenAt, domain.name);
      const seen = observeDomain(domain);
      if (gitHost !== undefined) {
        drift.push({
          address: `vm/${domain.name}`,
          kind: 'vm-on-wrong-hypervisor',
          evidence,
          message: `vm/${domain.name} runs on ${host}, git puts it on ${gitHost}`,
        });
      } else if (!hypervisor) {
        drift.push({
          address: `vm/${domain.name}`,
          kind: 'unknown-vm',
          evidence,
          message: `domain ${domain.name} runs on ${host}, a hypervisor git does not know`,
        });
      } else if (!seen.ownership) {
        drift.push({
          address: `vm/${domain.name}`,
          kind: 'unknown-vm',
          evidence,
          message: `domain ${domain.name} on ${host} is not in git and not owned by pytin; left alone`,
        });
      } else {
        const before = observedDomainJson(seen, host, hypervisor.uri, hypervisor.strategy);
        const change: Change = {
          address: seen.ownership.address,
          action: 'delete',
          driver: KVM_DRIVER_NAME,
          host,
          before,
          after: null,
          reason: `owned by pytin (commit ${seen.ownership.commit ?? 'unknown'}) and no longer in git`,
        };
        changes.push({ ...change, notes: destroyNotes(change, seen.disks, hypervisor.strategy.provisionVolumes) });
      }
    }
  }
  changes.sort((a, b) => compare(a.host ?? '', b.host ?? '') || compare(a.address, b.address));
  drift.sort((a, b) => compare(a.address, b.address) || compare(a.kind, b.kind) || compare(a.evidence.where, b.evidence.where));
  return { changes, drift, diagnostics };
}
