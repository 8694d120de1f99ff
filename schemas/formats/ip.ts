import { isIPv4, isIPv6 } from 'node:net';

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

export function parseIp(text: string): IpAddress | undefined {
  if (isIPv4(text)) {
    // isIPv4 rejects leading zeros and out-of-range octets.
    let value = 0n;
    for (const part of text.split('.')) value = (value << 8n) | BigInt(Number(part));
    return { version: 4, value };
  }
  if (isIPv6(text) && !text.includes('%')) return { version: 6, value: parseIpv6(text) };
  return undefined;
}

function parseIpv6(text: string): bigint {
  let head = text;
  let tail = '';
  const doubleColon = text.indexOf('::');
  if (doubleColon >= 0) {
    head = text.slice(0, doubleColon);
    tail = text.slice(doubleColon + 2);
  }
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        // An embedded IPv4 address (::ffff:192.0.2.1) fills the last two groups.
        const octets = piece.split('.').map(Number);
        out.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
      } else out.push(parseInt(piece, 16));
    }
    return out;
  };
  const headGroups = groups(head);
  const tailGroups = groups(tail);
  const all = [...headGroups, ...new Array<number>(8 - headGroups.length - tailGroups.length).fill(0), ...tailGroups];
  let value = 0n;
  for (const group of all) value = (value << 16n) | BigInt(group);
  return value;
}

/** The canonical text of an address: dotted quad, or RFC 5952 compressed IPv6 in lower case. */
export function formatIp(address: IpAddress): string {
  if (address.version === 4) {
    const v = address.value;
    return [24n, 16n, 8n, 0n].map((shift) => String((v >> shift) & 255n)).join('.');
  }
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((address.value >> shift) & 0xffffn));
  // RFC 5952: compress the longest run (>= 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Canonical text of an address given as text; `undefined` if it is not an address. */
export function canonicalIp(text: string): string | undefined {
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
