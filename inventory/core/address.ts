/** `kind/name`, e.g. `vm/web-01`, `ip/203.0.113.9`, `backup/home-users`. The kind part is the
 * lower-case address prefix of the inventory kind (see ADDRESS_PREFIX in inventory/kinds.ts). */
export type Address = string;

export function makeAddress(prefix: string, name: string): Address {
  return `${prefix}/${name}`;
}

export function splitAddress(address: Address): { prefix: string; name: string } {
  const slash = address.indexOf('/');
  if (slash <= 0) return { prefix: address, name: '' };
  return { prefix: address.slice(0, slash), name: address.slice(slash + 1) };
}
