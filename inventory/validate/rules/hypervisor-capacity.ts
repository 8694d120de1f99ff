import { parseSize } from '../../../schemas/formats/units.js';
import type { Desired } from '../../model/desired-state.js';
import type { VMSpec } from '../../model/specs.js';
import type { RuleContext } from '../rule-context.js';

const GiB = 1024 ** 3;

/** A hypervisor's VMs fit its declared capacity times its overcommit ratios (a warning: the VMs
 * can still be defined, but they will compete for the host). */
export function hypervisorCapacity(context: RuleContext): void {
  const vmsByHost = new Map<string, Array<Desired<VMSpec>>>();
  for (const vm of context.all('VM')) {
    const list = vmsByHost.get(vm.spec.hypervisor) ?? [];
    list.push(vm);
    vmsByHost.set(vm.spec.hypervisor, list);
  }
  for (const server of context.all('Server')) {
    const capacity = server.spec.capacity;
    const vms = vmsByHost.get(server.name);
    if (!capacity || !vms) continue;
    const vcpus = vms.reduce((sum, vm) => sum + vm.spec.vcpus, 0);
    const memory = vms.reduce((sum, vm) => sum + parseSize(vm.spec.memory)!, 0);
    const vcpuLimit = capacity.vcpus * capacity.cpuOvercommit;
    const memoryLimit = parseSize(capacity.memory)! * capacity.memoryOvercommit;
    if (vcpus > vcpuLimit) {
      context.warning(
        'INV_RULE_HYPERVISOR_OVERCOMMIT',
        `${vms.length} VMs use ${vcpus} vCPUs; hypervisor "${server.name}" allows ${vcpuLimit} (${capacity.vcpus} x ${capacity.cpuOvercommit})`,
        server,
        ['capacity', 'vcpus'],
      );
    }
    if (memory > memoryLimit) {
      context.warning(
        'INV_RULE_HYPERVISOR_OVERCOMMIT',
        `${vms.length} VMs use ${(memory / GiB).toFixed(1)} GiB of memory; hypervisor "${server.name}" allows ${(memoryLimit / GiB).toFixed(1)} GiB (${capacity.memory} x ${capacity.memoryOvercommit})`,
        server,
        ['capacity', 'memory'],
      );
    }
  }
}
