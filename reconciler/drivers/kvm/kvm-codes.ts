/** Diagnostic codes of the KVM (libvirt) driver. Permanent: never renamed, never reused. */
export const KVM_CODES = {
  // Planning
  PLAN_KVM_HOST_NOT_OBSERVED: "a hypervisor's domains were not observed; no VM change is planned for it",
  PLAN_KVM_HYPERVISOR_WITHOUT_LIBVIRT: "a VM's hypervisor has no libvirt connection (libvirt.uri) in the inventory",
  PLAN_KVM_NO_BRIDGE: 'a VM interface has no bridge and its hypervisor has no libvirt.bridge',
  PLAN_KVM_BAD_VALUE: 'a VM value (size, rate) could not be converted for libvirt',
  PLAN_KVM_DOMAIN_NOT_OWNED: "a domain with the VM's name exists but pytin did not create it; pytin will not touch it",
  PLAN_KVM_KICKSTART: "the VM's kickstart template could not be rendered (unknown placeholder, missing value, a password)",
  PLAN_KVM_TEMPLATE_MISSING: "the VM's kickstart template file is not in the inventory",
  PLAN_KVM_DISK_SHRINK: 'a disk is smaller in git than on its hypervisor; pytin never shrinks a disk, and plans nothing for the VM',
  // Applying
  APPLY_KVM_COMMAND_FAILED: 'a virsh (or virt-install) command failed on the hypervisor',
  APPLY_KVM_NOT_OWNED: 'the domain on the host is not owned by pytin (or by another address); it was not changed',
  APPLY_KVM_UNREADABLE: 'the domain definition read back from the host could not be parsed',
  APPLY_KVM_TRANSPORT: 'the hypervisor could not be reached while applying',
  APPLY_KVM_VOLUME_IN_USE: 'a storage volume pytin would reuse or delete is used by another domain on the host; it was neither reused nor deleted',
  APPLY_KVM_DISK_LARGER_ON_HOST: 'a disk pytin would grow is already larger on the host than git says; it was not shrunk, and nothing was changed',
  APPLY_KVM_VOLUME_NOT_OWNED: "pytin's record on a domain names a volume pytin does not make for that VM; no volume was deleted",
} as const satisfies Record<string, string>;

export type KvmCode = keyof typeof KVM_CODES;
