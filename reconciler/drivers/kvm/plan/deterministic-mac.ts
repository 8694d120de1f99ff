import { createHash } from 'node:crypto';

/** The MAC of a VM interface written without one: derived from the VM and interface names, so the
 * same inventory always gives the same MAC (a re-plan never sees a "new" NIC). 52:54:00 is the
 * prefix QEMU/KVM guests use; the three other bytes come from sha256("vm/iface"). */
export function deterministicMac(vmName: string, interfaceName: string): string {
  const digest = createHash('sha256').update(`${vmName}/${interfaceName}`).digest();
  return ['52', '54', '00', ...[0, 1, 2].map((i) => digest[i]!.toString(16).padStart(2, '0'))].join(':');
}
