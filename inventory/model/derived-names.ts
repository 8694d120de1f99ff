/** Names pytin derives for what it creates on hosts. A rule (inventory/validate/rules/
 * derived-names.ts) refuses two resources that map to one name, so over a valid inventory each
 * mapping is injective. */

/** The libvirt volume of a VM's disk: `<vm>-<disk>` (unique per VM, so deleting a VM's volumes
 * can never hit another VM's — given the rule). */
export function volumeNameOf(vm: string, disk: string): string {
  return `${vm}-${disk}`;
}

/** The cron.d file of a backup policy: cron.d allows only [A-Za-z0-9_-] in file names. */
export function cronFileNameOf(policy: string): string {
  return `pytin-backup-${policy.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
