import { createHash } from 'node:crypto';

/**
 * How pytin recognises its own tc objects — the ownership invariant of the bandwidth driver.
 *
 * - Root qdisc: an HTB qdisc with handle `7079:` ("py") at the root of a shaped interface or of
 *   a pytin ifb. pytin adds it only where the root holds the kernel's default qdisc (handle
 *   `0:`), and never replaces a root qdisc with another handle (a PLAN/APPLY error instead).
 * - Classes: `7079:1000`..`7079:fffe` under that qdisc are pytin's; `7079:1`..`7079:fff` are
 *   left to people and never read, changed or deleted.
 * - Filters on `7079:`: the u32 filters of preference PYTIN_PREF (protocol all) are pytin's,
 *   including its hash tables `704:` (IPv4) and `706:` (IPv6). Other preferences are left alone.
 *   u32 tables share one handle space per qdisc: people must not use tables 704:/706: there.
 * - Ingress of a shaped interface: the filter of preference PYTIN_INGRESS_PREF (a mirred
 *   redirect to the interface's ifb) is pytin's; other ingress filters are left alone.
 * - The ifb device is named by ifbName(); pytin creates it, owns its whole tree, and deletes it
 *   once nothing uses it.
 *
 * Class minors are derived from the address (a hash, with the observed class kept when there is
 * one) and never from a position in a list, so reordering or removing limits cannot make a class
 * (or the filter pointing at it) belong to another guest — the OpenVZ shaper's bug.
 */
export const PYTIN_QDISC_MAJOR = 0x7079;
export const PYTIN_QDISC_HANDLE = '7079:';
export const PYTIN_MINOR_FIRST = 0x1000;
export const PYTIN_MINOR_LAST = 0xfffe;
export const PYTIN_PREF = 0x7079;
export const PYTIN_INGRESS_PREF = 0x707a;
export const IPV4_TABLE = 0x704;
export const IPV6_TABLE = 0x706;
/** Buckets of each hash table: the address's last byte picks the bucket. */
export const HASH_BUCKETS = 256;
/** u32 node ids are 12 bits: at most this many addresses share one bucket. */
export const MAX_NODES_PER_BUCKET = 0xfff;

export function classid(minor: number): string {
  return `${PYTIN_QDISC_MAJOR.toString(16)}:${minor.toString(16)}`;
}

/** The minor of a classid if it is in pytin's range, else null. tc prints handles in hex without
 * leading zeros. */
export function pytinMinor(handle: string | null): number | null {
  if (!handle) return null;
  const match = /^([0-9a-f]+):([0-9a-f]+)$/.exec(handle);
  if (!match || parseInt(match[1]!, 16) !== PYTIN_QDISC_MAJOR) return null;
  const minor = parseInt(match[2]!, 16);
  return minor >= PYTIN_MINOR_FIRST && minor <= PYTIN_MINOR_LAST ? minor : null;
}

/** The minor an address tries first: a hash of its canonical text, so it depends on nothing else. */
export function homeMinor(ip: string): number {
  const digest = createHash('sha256').update(ip).digest();
  return PYTIN_MINOR_FIRST + (digest.readUInt32BE(0) % (PYTIN_MINOR_LAST - PYTIN_MINOR_FIRST + 1));
}

/** The ifb device that carries the upload tree of a shaped interface (names are at most 15
 * bytes: a long interface name is replaced by a hash of it). */
export function ifbName(device: string): string {
  const plain = `ifb-${device}`;
  if (Buffer.byteLength(plain) <= 15) return plain;
  return `ifb-${createHash('sha256').update(device).digest('hex').slice(0, 11)}`;
}
