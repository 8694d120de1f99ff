import { Address4, Address6 } from 'ip-address';

export type IpVersion = 4 | 6;

/** An IP address as a number, so that ranges and pools compare and count exactly. */
export interface IpAddress {
  version: IpVersion;
  value: bigint;
}

export interface IpNetwork {
  version: IpVersion;
  /** The network address (host bits zero). */
  first: bigint;
  /** The last address of the network (the IPv4 broadcast address). */
  last: bigint;
  prefixLength: number;
}

export interface IpRange {
  version: IpVersion;
  first: bigint;
  last: bigint;
}

const BITS: Record<IpVersion, number> = { 4: 32, 6: 128 };

/** The dotted quads ip-address accepts, in their canonical form: every inventory's common case,
 * read without the library (whose parse and format were a fifth of a warm validate, issue 14).
 * Anything else goes to the library, which decides as before. */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const CANONICAL_IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** Strict: a dotted quad without leading zeros, short forms (127.1) or hex/octal parts; IPv6 in
 * any RFC 4291 text form (embedded dotted quad included), without a zone id (fe80::1%eth0: an
 * inventory address means the same on every host) and without a prefix. ip-address reads the
 * text; it would also take a `/prefix` (and IPv6 a `%zone`) as part of an address, so those are
 * refused first. An IPv4 text never holds a colon and an IPv6 text always does, so one parse
 * decides (ip-address throws on anything else). */
export function parseIp(text: string): IpAddress | undefined {
  const quad = CANONICAL_IPV4.exec(text);
  if (quad) return { version: 4, value: BigInt(((Number(quad[1]) * 256 + Number(quad[2])) * 256 + Number(quad[3])) * 256 + Number(quad[4])) };
  if (text.includes('/') || text.includes('%')) return undefined;
  try {
    return text.includes(':') ? { version: 6, value: new Address6(text).bigInt() } : { version: 4, value: new Address4(text).bigInt() };
  } catch {
    return undefined;
  }
}

/** The canonical text of an address: dotted quad, or RFC 5952 in lower case (the longest run of
 * zero groups compressed, the first on a tie; an IPv4-mapped address in hex, ::ffff:c000:201). */
export function formatIp(address: IpAddress): string {
  if (address.version === 4) {
    const value = Number(address.value);
    return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
  }
  return Address6.fromBigInt(address.value).correctForm();
}

/** Canonical text of an address given as text; `undefined` if it is not an address. A canonical
 * dotted quad is its own canonical text: returned as it is, without a number or a new string in
 * between (validate canonicalises every address of the inventory, issue 14). */
export function canonicalIp(text: string): string | undefined {
  if (CANONICAL_IPV4.test(text)) return text;
  const parsed = parseIp(text);
  return parsed ? formatIp(parsed) : undefined;
}

export function parseCidr(text: string): IpNetwork | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  const bits = BITS[address.version];
  if (prefixLength > bits) return undefined;
  const hostBits = BigInt(bits - prefixLength);
  const hostMask = (1n << hostBits) - 1n;
  if ((address.value & hostMask) !== 0n) return undefined;
  return { version: address.version, first: address.value, last: address.value | hostMask, prefixLength };
}

/** `a` or `a-b` (inclusive, same version, a <= b). */
export function parseIpRange(text: string): IpRange | undefined {
  const dash = text.indexOf('-');
  if (dash < 0) {
    const single = parseIp(text.trim());
    return single ? { version: single.version, first: single.value, last: single.value } : undefined;
  }
  const from = parseIp(text.slice(0, dash).trim());
  const to = parseIp(text.slice(dash + 1).trim());
  if (!from || !to || from.version !== to.version || from.value > to.value) return undefined;
  return { version: from.version, first: from.value, last: to.value };
}

export function rangeContains(range: { version: IpVersion; first: bigint; last: bigint }, address: IpAddress): boolean {
  return range.version === address.version && address.value >= range.first && address.value <= range.last;
}

export function rangesOverlap(a: { version: IpVersion; first: bigint; last: bigint }, b: { version: IpVersion; first: bigint; last: bigint }): boolean {
  return a.version === b.version && a.first <= b.last && b.first <= a.last;
}
