import type { RuleContext } from '../rule-context.js';

/** Every VM interface needs a bridge: its own, or its hypervisor's libvirt.bridge. One error per
 * hypervisor, naming its VMs, rather than one per VM at plan time (a hypervisor written without a
 * libvirt section gave one plan error per VM, 180 in a real inventory). */
export function hypervisorBridge(context: RuleContext): void {
  const unbridged = new Map<string, string[]>();
  for (const vm of context.all('VM')) {
    const missing = vm.spec.interfaces.filter((nic) => nic.bridge === undefined).map((nic) => `${vm.name}/${nic.name}`);
    if (missing.length === 0) continue;
    const list = unbridged.get(vm.spec.hypervisor) ?? [];
    for (const name of missing) list.push(name);
    unbridged.set(vm.spec.hypervisor, list);
  }
  for (const [hypervisorName, interfaces] of unbridged) {
    const server = context.get('Server', hypervisorName);
    // An unknown hypervisor or one without the role is the references rule's to report.
    if (!server?.spec.roles?.includes('hypervisor') || server.spec.libvirt?.bridge !== undefined) continue;
    const shown = interfaces.slice(0, 5).join(', ') + (interfaces.length > 5 ? ` and ${interfaces.length - 5} more` : '');
    context.error(
      'INV_RULE_NO_BRIDGE',
      `hypervisor "${server.name}" has no libvirt.bridge and ${interfaces.length} VM interface(s) name none: ${shown}`,
      server,
      server.spec.libvirt ? ['libvirt'] : ['name'],
      'Give the hypervisor a default bridge (libvirt: {bridge: br0}) or each VM interface its own bridge.',
      server.spec.libvirt ? 'key' : 'value',
    );
  }
}
