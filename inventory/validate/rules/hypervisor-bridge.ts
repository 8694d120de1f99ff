import type { RuleContext } from '../rule-context.js';

/** Every VM interface needs a bridge: its own, or its hypervisor's libvirt.bridge. One error per
 * hypervisor, naming its VMs, rather than one per VM at plan time (a hypervisor written without a
 * libvirt section gave one plan error per VM, 180 in a real inventory). */
export function hypervisorBridge(context: RuleContext): void {
  // An unknown hypervisor or one without the role is the references rule's to report. Decided once
  // per hypervisor, before any name is listed: most interfaces name no bridge because their
  // hypervisor has one (20,000 VMs in the generated inventory).
  const lacksBridge = new Map<string, boolean>();
  const needsBridge = (name: string) => {
    let lacks = lacksBridge.get(name);
    if (lacks === undefined) {
      const server = context.get('Server', name);
      lacks = server?.spec.roles?.includes('hypervisor') === true && server.spec.libvirt?.bridge === undefined;
      lacksBridge.set(name, lacks);
    }
    return lacks;
  };
  const unbridged = new Map<string, string[]>();
  for (const vm of context.all('VM')) {
    if (!vm.spec.interfaces.some((nic) => nic.bridge === undefined) || !needsBridge(vm.spec.hypervisor)) continue;
    let list = unbridged.get(vm.spec.hypervisor);
    if (!list) unbridged.set(vm.spec.hypervisor, (list = []));
    for (const nic of vm.spec.interfaces) if (nic.bridge === undefined) list.push(`${vm.name}/${nic.name}`);
  }
  for (const [hypervisorName, interfaces] of unbridged) {
    const server = context.get('Server', hypervisorName)!;
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
