import type { Driver } from '../driver.js';
import { applyDomain } from './apply-domain.js';
import { KVM_DRIVER_NAME, planDomains, type KvmPlanInput } from './plan-domains.js';

/** Dependency order within a host: addresses (10) before VMs (20) before bandwidth limits (30),
 * so a VM's limits are set on a domain that exists. */
export const KVM_DRIVER_ORDER = 20;

/** The KVM (libvirt) driver: plans domains from the VMs in git against the domains observed on
 * each hypervisor, and applies the changes with virsh over the hypervisor's CommandRunner. */
export const kvmDriver: Driver<KvmPlanInput> = {
  name: KVM_DRIVER_NAME,
  order: KVM_DRIVER_ORDER,
  plan: planDomains,
  apply: applyDomain,
};
