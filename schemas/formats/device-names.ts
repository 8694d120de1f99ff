/** Names of things on a host that inventory values name: network interfaces (shaped interfaces,
 * bridges, server NICs) and libvirt storage pools. They reach virsh and tc command lines, tc batch
 * lines (tc splits words on blanks), virt-install sub-options (`--network bridge=X,mac=...`,
 * `--disk source.pool=X,...`: split on `,`, then on `=`, with shell-like quotes) and domain XML.
 * So: ASCII letters, digits, `_`, `.` and `-` only, never starting with `-` (an option) or `.`. */

/** A Linux network interface name: what the kernel accepts (at most 15 bytes, no `/`, `:` or
 * whitespace) narrowed to characters safe in every sink above. `eno1`, `br0`, `veth-guests`,
 * `bond0.100`. */
export function isInterfaceName(text: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/.test(text);
}

/** A libvirt storage pool name (`default`, `ssd-pool`), at most 64 characters. */
export function isStoragePoolName(text: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(text);
}
