import type { Diagnostic } from '../../../../inventory/core/diagnostic.js';
import type { SourceRange } from '../../../../inventory/core/source-range.js';
import type { ConnectionSettings } from '../../../../inventory/model/connection-settings.js';
import { volumeNameOf } from '../../../../inventory/model/derived-names.js';
import { type Desired, type DesiredState, resourcesOfKind } from '../../../../inventory/model/desired-state.js';
import type { BandwidthLimitsSpec, ServerSpec, VMSpec } from '../../../../inventory/model/specs.js';
import type { SourceLocator } from '../../../../inventory/parse/source-index.js';
import type { KvmCode } from '../kvm-codes.js';
import { deterministicMac } from './deterministic-mac.js';
import type { DomainDiskSpec, DomainInterfaceSpec, DomainSpec, RateLimit } from './domain-spec.js';
import { type HostStrategy, strategyForUri } from './install-strategy.js';
import { renderKickstart } from './kickstart.js';
import { kickstartValues } from './kickstart-values.js';
import { bytesToBurstKiB, libvirtRate, sizeToBytes, sizeToKiB } from './kvm-units.js';

/** A hypervisor as the KVM driver plans for it. */
export interface KvmHypervisor {
  name: string;
  uri: string;
  strategy: HostStrategy;
  /** The VMs git puts on it, compiled, by name order. */
  domains: DomainSpec[];
}

export interface DesiredDomains {
  /** Every hypervisor with a libvirt connection in the inventory, also those without VMs (their
   * owned domains are deleted when git drops the last VM). */
  hypervisors: Map<string, KvmHypervisor>;
  /** Every VM in git, by name -> the hypervisor git puts it on: also the VMs that could not be
   * compiled, so that their domains are never taken for orphans and deleted. */
  vmHosts: Map<string, string>;
  diagnostics: Diagnostic[];
  /** Where a VM's disk size was written (`disks[i].size`), for a diagnostic about that disk: found
   * on demand (it re-reads the file); the VM's document when positions are not at hand. */
  diskSizeAt(vm: string, diskIndex: number): SourceRange | undefined;
}

/** Each server's libvirt URI, from the trusted connection settings. */
export function libvirtUrisOf(connections: ConnectionSettings): Map<string, string> {
  const uris = new Map<string, string>();
  for (const server of connections.servers.values()) if (server.libvirtUri !== undefined) uris.set(server.name, server.libvirtUri);
  return uris;
}

export interface DesiredDomainsOptions {
  /** Kickstart templates by path relative to the inventory root (the inventory reads them from the
   * same revision as the YAML). */
  templates: ReadonlyMap<string, string>;
  /** Each server's libvirt URI, from trusted connection settings (never from the branch). */
  libvirtUris: ReadonlyMap<string, string>;
  /** Per-host override of the strategy derived from the URI (tests, unusual hosts). */
  strategies?: ReadonlyMap<string, HostStrategy>;
  /** Positions of the desired state's values (PlanInput.sources). */
  sources?: SourceLocator;
}

function diagnostic(code: KvmCode, vm: Desired<VMSpec>, summary: string, detail?: string): Diagnostic {
  return { severity: 'error', code, summary, address: vm.address, subject: vm.source, ...(detail ? { detail } : {}) };
}

function limitsOf(bandwidth: BandwidthLimitsSpec | undefined, problems: string[]): { inbound: RateLimit | null; outbound: RateLimit | null } {
  if (!bandwidth) return { inbound: null, outbound: null };
  const rate = (text: string | undefined, what: string): number | null => {
    if (text === undefined) return null;
    const value = libvirtRate(text);
    if (value === undefined) problems.push(`${what} "${text}" is not a bandwidth`);
    return value ?? null;
  };
  const burstBytes = bandwidth.burst === undefined ? undefined : sizeToBytes(bandwidth.burst);
  if (bandwidth.burst !== undefined && burstBytes === undefined) problems.push(`burst "${bandwidth.burst}" is not a size`);
  const burst = burstBytes === undefined ? null : bytesToBurstKiB(burstBytes);
  const direction = (average: number | null, peak: number | null): RateLimit | null =>
    // libvirt needs an average for a direction; a peak alone is not a limit it accepts.
    average === null ? null : { average, peak, burst };
  return {
    inbound: direction(rate(bandwidth.inbound, 'inbound'), rate(bandwidth.inboundPeak, 'inboundPeak')),
    outbound: direction(rate(bandwidth.outbound, 'outbound'), rate(bandwidth.outboundPeak, 'outboundPeak')),
  };
}

function diskTargets(buses: readonly string[]): string[] {
  let virtio = 0;
  let scsi = 0;
  const letter = (n: number) => String.fromCharCode(97 + n);
  return buses.map((bus) => (bus === 'virtio' ? `vd${letter(virtio++)}` : `sd${letter(scsi++)}`));
}

/** Compiles every VM of the desired state for its hypervisor. Pure. A VM that cannot be compiled
 * (no libvirt on its hypervisor, no bridge, a bad template) gets an error diagnostic and no domain:
 * nothing is planned for it, and it still counts as known (never an orphan). */
export function desiredDomains(state: DesiredState, options: DesiredDomainsOptions): DesiredDomains {
  const hypervisors = new Map<string, KvmHypervisor>();
  const servers = new Map<string, ServerSpec>();
  for (const server of resourcesOfKind<ServerSpec>(state, 'Server')) {
    servers.set(server.name, server.spec);
    const uri = options.libvirtUris.get(server.name);
    if (uri === undefined) continue;
    hypervisors.set(server.name, { name: server.name, uri, strategy: options.strategies?.get(server.name) ?? strategyForUri(uri), domains: [] });
  }
  const vmHosts = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const vms = resourcesOfKind<VMSpec>(state, 'VM').sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const vm of vms) {
    const spec = vm.spec;
    vmHosts.set(vm.name, spec.hypervisor);
    const hypervisor = hypervisors.get(spec.hypervisor);
    const server = servers.get(spec.hypervisor);
    if (!hypervisor || !server) {
      diagnostics.push(diagnostic('PLAN_KVM_HYPERVISOR_WITHOUT_LIBVIRT', vm, `hypervisor "${spec.hypervisor}" has no libvirt.uri; the VM cannot be planned`));
      continue;
    }
    const problems: string[] = [];
    const memoryKiB = sizeToKiB(spec.memory);
    if (memoryKiB === undefined) problems.push(`memory "${spec.memory}" is not a size`);
    const targets = diskTargets(spec.disks.map((d) => d.bus));
    const disks: DomainDiskSpec[] = spec.disks.map((disk, i) => {
      const sizeBytes = sizeToBytes(disk.size);
      if (sizeBytes === undefined) problems.push(`disk ${disk.name}: size "${disk.size}" is not a size`);
      return { name: disk.name, pool: disk.pool, volume: volumeNameOf(vm.name, disk.name), sizeBytes: sizeBytes ?? 0, bus: disk.bus, target: targets[i]! };
    });
    const interfaces: DomainInterfaceSpec[] = [];
    for (const nic of spec.interfaces) {
      const bridge = nic.bridge ?? server.libvirt?.bridge;
      if (!bridge) {
        diagnostics.push(diagnostic('PLAN_KVM_NO_BRIDGE', vm, `interface ${nic.name} has no bridge and hypervisor "${spec.hypervisor}" has no libvirt.bridge`));
        continue;
      }
      interfaces.push({ name: nic.name, mac: nic.mac ?? deterministicMac(vm.name, nic.name), bridge, ...limitsOf(nic.bandwidth, problems) });
    }
    if (interfaces.length !== spec.interfaces.length) continue;
    if (problems.length > 0) {
      diagnostics.push(diagnostic('PLAN_KVM_BAD_VALUE', vm, problems.join('; ')));
      continue;
    }
    let install: DomainSpec['install'] = null;
    if (spec.install) {
      const template = options.templates.get(spec.install.template);
      if (template === undefined) {
        diagnostics.push(diagnostic('PLAN_KVM_TEMPLATE_MISSING', vm, `kickstart template "${spec.install.template}" is not in the inventory`));
        continue;
      }
      const rendered = renderKickstart(template, kickstartValues(spec, state));
      if (!rendered.ok) {
        diagnostics.push(
          diagnostic('PLAN_KVM_KICKSTART', vm, `kickstart template "${spec.install.template}": ${rendered.problems[0]}`, rendered.problems.join('\n')),
        );
        continue;
      }
      install = { tree: spec.install.tree, kickstart: rendered.text };
    }
    hypervisor.domains.push({
      name: vm.name,
      address: vm.address,
      tenant: spec.tenant,
      hypervisor: hypervisor.name,
      uri: hypervisor.uri,
      strategy: hypervisor.strategy,
      vcpus: spec.vcpus,
      memoryKiB: memoryKiB!,
      protected: spec.protected,
      disks,
      interfaces,
      install,
    });
  }
  const vmByName = new Map(vms.map((vm) => [vm.name, vm]));
  const diskSizeAt = (name: string, diskIndex: number): SourceRange | undefined => {
    const vm = vmByName.get(name);
    if (!vm) return undefined;
    return options.sources?.locate({ ...vm.origin, path: ['disks', diskIndex, 'size'] }) ?? vm.source;
  };
  return { hypervisors, vmHosts, diagnostics, diskSizeAt };
}
