/** An address as a key unique across routing tables: the canonical address in the global table,
 * `ADDRESS%VRF` in a VRF (the zone-index form: the same address in two VRFs is two addresses).
 * A VRF name never contains `%` (the name format), so the key is injective. */
export function vrfScopedIp(canonicalIp: string, vrf: string | undefined): string {
  return vrf === undefined ? canonicalIp : `${canonicalIp}%${vrf}`;
}
