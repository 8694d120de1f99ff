/** How a domain comes to exist on a host.
 * - `define`: `virsh define` of pytin's XML, then `virsh start`. For libvirt's test driver
 *   (`test:`, `test+unix:`, `test+ssh:` URIs): there is no /dev/kvm and nothing boots, so an
 *   installer cannot run; the in-memory storage pool is capped at 100 GiB and never opens disks,
 *   so volumes are not provisioned either (the `<disk type='volume'>` still names them).
 * - `virt-install`: hosts with real KVM. Volumes are created in their pools, the rendered
 *   kickstart is written to the host and `virt-install --location TREE --initrd-inject KS` boots
 *   the installer; pytin's metadata and limits are then set with `virsh metadata`/`domiftune`,
 *   which virt-install cannot express. A VM without `install` is defined like on `define` hosts
 *   (with its volumes provisioned): an empty disk to be installed by other means. */
export type InstallMethod = 'define' | 'virt-install';

export interface HostStrategy {
  install: InstallMethod;
  /** Create each disk's volume (`vol-create-as`) before defining, delete it after undefining. */
  provisionVolumes: boolean;
}

/** The strategy of a host from its libvirt URI: the per-host decision the planner records in each
 * change, so apply never guesses. */
export function strategyForUri(uri: string): HostStrategy {
  const scheme = /^([a-z0-9+]+):/i.exec(uri)?.[1]?.toLowerCase() ?? '';
  const driver = scheme.split('+')[0];
  return driver === 'test' ? { install: 'define', provisionVolumes: false } : { install: 'virt-install', provisionVolumes: true };
}
