import { parseIp } from '../../../schemas/formats/ip.js';

/** Which address of a packet a filter matches: `dst` on a shaped interface's egress (download,
 * towards the guest), `src` on its ifb (upload, from the guest). */
export type AddressField = 'src' | 'dst';

/** One of pytin's HTB classes. Rates are bits per second at tc's precision (tc-rate.ts). A null
 * burst leaves HTB's default (about one tick of the rate); what is read back is always a number. */
export type TcClass = {
  classid: string;
  rateBitsPerSecond: number;
  ceilBitsPerSecond: number;
  burstBytes: number | null;
};

/** One of pytin's per-address u32 filters: packets whose `field` address is `ip` go to `classid`.
 * Its u32 handle is not part of the tree: the batch keeps it stable, nothing depends on it. */
export type TcAddressFilter = {
  ip: string;
  field: AddressField;
  classid: string;
};

/** pytin's part of one device's tc tree: the same shape desired (compile-shaping.ts) and observed
 * (read-shaping.ts), so comparing them is comparing trees. `redirectTo` is the ifb pytin's ingress
 * filter redirects to (shaped interfaces only). Lists are sorted (sortTree). */
export type TcDeviceTree = {
  device: string;
  classes: TcClass[];
  filters: TcAddressFilter[];
  redirectTo: string | null;
};

/** Address order: IPv4 before IPv6, then by value (text order for anything unparsable). */
export function compareIps(a: string, b: string): number {
  const x = parseIp(a);
  const y = parseIp(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  if (x.version !== y.version) return x.version - y.version;
  return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
}

export function sortTree(tree: TcDeviceTree): TcDeviceTree {
  return {
    device: tree.device,
    classes: [...tree.classes].sort((a, b) => parseInt(a.classid.split(':')[1]!, 16) - parseInt(b.classid.split(':')[1]!, 16)),
    filters: [...tree.filters].sort((a, b) => compareIps(a.ip, b.ip) || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0)),
    redirectTo: tree.redirectTo,
  };
}

export function emptyTree(device: string): TcDeviceTree {
  return { device, classes: [], filters: [], redirectTo: null };
}

export function isEmptyTree(tree: TcDeviceTree): boolean {
  return tree.classes.length === 0 && tree.filters.length === 0 && tree.redirectTo === null;
}

/** HTB stores burst as transmit time in scheduler ticks and tc prints it rounded (`15Kb`): a burst
 * read back is equal to the one asked for within 1% or 1 KiB. A null burst asks for HTB's default:
 * about an MTU plus one scheduler tick of the rate (1600 bytes at 10 Mbit/s on the lab kernel), so
 * an observed burst counts as default up to rate/1000 bytes + 2 KiB. Above that it is a burst
 * someone set (or git no longer asks for), and the class is replaced to drop it. Weak spot: at
 * rates above ~500 Mbit/s an explicit burst below that bound cannot be told from the default. */
export function sameBurst(desired: number | null, observed: number | null, rateBitsPerSecond: number): boolean {
  if (observed === null) return desired === null;
  if (desired === null) return observed <= rateBitsPerSecond / 8 / 1000 + 2048;
  return Math.abs(desired - observed) <= Math.max(1024, desired / 100);
}

export function sameClass(desired: TcClass, observed: TcClass): boolean {
  return (
    desired.classid === observed.classid &&
    desired.rateBitsPerSecond === observed.rateBitsPerSecond &&
    desired.ceilBitsPerSecond === observed.ceilBitsPerSecond &&
    sameBurst(desired.burstBytes, observed.burstBytes, desired.rateBitsPerSecond)
  );
}

export function sameFilter(a: TcAddressFilter, b: TcAddressFilter): boolean {
  return a.ip === b.ip && a.field === b.field && a.classid === b.classid;
}

/** What differs between a desired and an observed tree of one device, for people (empty: the
 * same tree). */
export function treeDifferences(desired: TcDeviceTree, observed: TcDeviceTree): string[] {
  const out: string[] = [];
  const observedClasses = new Map(observed.classes.map((c) => [c.classid, c]));
  const desiredClasses = new Map(desired.classes.map((c) => [c.classid, c]));
  for (const c of desired.classes) {
    const o = observedClasses.get(c.classid);
    if (!o) out.push(`${desired.device}: class ${c.classid} missing`);
    else if (!sameClass(c, o)) out.push(`${desired.device}: class ${c.classid} differs`);
  }
  for (const c of observed.classes) if (!desiredClasses.has(c.classid)) out.push(`${desired.device}: class ${c.classid} not desired`);
  const key = (f: TcAddressFilter) => `${f.field} ${f.ip}`;
  const observedFilters = new Map(observed.filters.map((f) => [key(f), f]));
  const desiredFilters = new Map(desired.filters.map((f) => [key(f), f]));
  for (const f of desired.filters) {
    const o = observedFilters.get(key(f));
    if (!o) out.push(`${desired.device}: filter ${f.field} ${f.ip} missing`);
    else if (!sameFilter(f, o)) out.push(`${desired.device}: filter ${f.field} ${f.ip} points at ${o.classid}, not ${f.classid}`);
  }
  for (const f of observed.filters) if (!desiredFilters.has(key(f))) out.push(`${desired.device}: filter ${f.field} ${f.ip} not desired`);
  if (desired.redirectTo !== observed.redirectTo)
    out.push(`${desired.device}: ingress redirect ${observed.redirectTo ?? 'absent'}, not ${desired.redirectTo ?? 'absent'}`);
  return out;
}
