import type { JsonValue } from '../../../inventory/core/json-value.js';
import { canonicalIp } from '../../../schemas/formats/ip.js';
import { formatBandwidth, parseBandwidth } from '../../../schemas/formats/units.js';
import { classid as makeClassid, ifbName, pytinMinor } from './tc-handles.js';
import { compareIps, emptyTree, sameBurst, sortTree, type TcDeviceTree } from './tc-tree.js';

/** One shaped address of a host: its class (the same minor on every device of the host) and its
 * rates in bits per second at tc's precision. inbound = towards the guest (download), outbound =
 * from the guest (upload); null = not shaped in that direction. */
export type ShapedAddress = {
  ip: string;
  classid: string;
  inboundBitsPerSecond: number | null;
  outboundBitsPerSecond: number | null;
  burstBytes: number | null;
};

type JsonObject = { [key: string]: JsonValue };

/** The trees of a host: per shaped interface, its own tree (download classes, filters on
 * destination, the ingress redirect) followed by its ifb's tree (upload classes, filters on
 * source). An interface with no upload limit has no redirect and an empty ifb tree. */
export function treesFor(interfaces: readonly string[], addresses: readonly ShapedAddress[]): TcDeviceTree[] {
  const trees: TcDeviceTree[] = [];
  const sorted = [...addresses].sort((a, b) => compareIps(a.ip, b.ip));
  const uploads = sorted.filter((a) => a.outboundBitsPerSecond !== null);
  const downloads = sorted.filter((a) => a.inboundBitsPerSecond !== null);
  for (const device of interfaces) {
    const ifb = ifbName(device);
    trees.push(
      sortTree({
        device,
        classes: downloads.map((a) => ({
          classid: a.classid,
          rateBitsPerSecond: a.inboundBitsPerSecond!,
          ceilBitsPerSecond: a.inboundBitsPerSecond!,
          burstBytes: a.burstBytes,
        })),
        filters: downloads.map((a) => ({ ip: a.ip, field: 'dst' as const, classid: a.classid })),
        redirectTo: uploads.length > 0 ? ifb : null,
      }),
      sortTree({
        device: ifb,
        classes: uploads.map((a) => ({
          classid: a.classid,
          rateBitsPerSecond: a.outboundBitsPerSecond!,
          ceilBitsPerSecond: a.outboundBitsPerSecond!,
          burstBytes: a.burstBytes,
        })),
        filters: uploads.map((a) => ({ ip: a.ip, field: 'src' as const, classid: a.classid })),
        redirectTo: null,
      }),
    );
  }
  return trees;
}

/** One address as the plan shows it (`before`/`after` of a host's change): the class and the rates
 * in the inventory's words. Where the interfaces of a host disagree (only ever observed), the value
 * names each interface: `eth0 10Mbit, br0 none`. */
export type AddressState = { classid: string; inbound: string | null; outbound: string | null; burst: number | null };

/**
 * A host's shaping as the JSON a Change carries: `interfaces` and one key per address (its
 * canonical text, which can never be "interfaces"). Top-level keys are what `fields` names, so an
 * update lists exactly the addresses that change. applyShaping rebuilds the trees from `after`.
 */
export function stateFromAddresses(interfaces: readonly string[], addresses: readonly ShapedAddress[]): JsonObject {
  const state: JsonObject = { interfaces: [...interfaces] };
  for (const a of [...addresses].sort((x, y) => compareIps(x.ip, y.ip))) {
    const entry: AddressState = {
      classid: a.classid,
      inbound: a.inboundBitsPerSecond === null ? null : formatBandwidth(a.inboundBitsPerSecond),
      outbound: a.outboundBitsPerSecond === null ? null : formatBandwidth(a.outboundBitsPerSecond),
      burst: a.burstBytes,
    };
    state[a.ip] = entry;
  }
  return state;
}

/** The state observed trees amount to, in the same form (the `before` of a change, the `state` of
 * an apply outcome). Upload counts only where the interface's ingress redirects to an ifb. */
export function stateFromTrees(interfaces: readonly string[], trees: readonly TcDeviceTree[]): JsonObject {
  const byDevice = new Map(trees.map((t) => [t.device, t]));
  type Seen = { classid: string; rate: number; burst: number | null };
  const lookup = (tree: TcDeviceTree | undefined, ip: string, field: 'src' | 'dst'): Seen | null => {
    const filter = tree?.filters.find((f) => f.ip === ip && f.field === field);
    const cls = filter ? tree!.classes.find((c) => c.classid === filter.classid) : undefined;
    return filter && cls ? { classid: cls.classid, rate: cls.rateBitsPerSecond, burst: cls.burstBytes } : null;
  };
  const ips = new Set<string>();
  for (const device of interfaces) {
    const own = byDevice.get(device);
    own?.filters.forEach((f) => ips.add(f.ip));
    if (own?.redirectTo) byDevice.get(own.redirectTo)?.filters.forEach((f) => ips.add(f.ip));
  }
  const state: JsonObject = { interfaces: [...interfaces] };
  for (const ip of [...ips].sort(compareIps)) {
    const perInterface = interfaces.map((device) => {
      const own = byDevice.get(device) ?? emptyTree(device);
      return { device, down: lookup(own, ip, 'dst'), up: own.redirectTo ? lookup(byDevice.get(own.redirectTo), ip, 'src') : null };
    });
    const agree = (values: string[]): string | null => {
      if (values.every((v) => v === values[0])) return values[0] === 'none' ? null : values[0]!;
      return perInterface.map((p, i) => `${p.device} ${values[i]}`).join(', ');
    };
    const classids = perInterface.flatMap((p) => [p.down?.classid, p.up?.classid]).filter((c): c is string => c !== undefined);
    const bursts = perInterface.flatMap((p) => [p.down?.burst, p.up?.burst]).filter((b): b is number => typeof b === 'number');
    const entry: AddressState = {
      classid: agree(classids.length ? classids : ['none']) ?? 'none',
      inbound: agree(perInterface.map((p) => (p.down ? formatBandwidth(p.down.rate) : 'none'))),
      outbound: agree(perInterface.map((p) => (p.up ? formatBandwidth(p.up.rate) : 'none'))),
      burst: bursts.length ? bursts[0]! : null,
    };
    state[ip] = entry;
  }
  return state;
}

/** Whether two entries of a state say the same (burst within tc's rounding; a desired null burst
 * is HTB's default, whatever number is read back). */
export function sameAddressState(desired: JsonValue | undefined, observed: JsonValue | undefined): boolean {
  if (!isObject(desired) || !isObject(observed)) return desired === observed;
  const burst = (v: JsonValue | undefined) => (typeof v === 'number' ? v : null);
  const rates = [desired.inbound, desired.outbound].map((r) => (typeof r === 'string' ? (parseBandwidth(r) ?? 0) : 0));
  return (
    desired.classid === observed.classid &&
    desired.inbound === observed.inbound &&
    desired.outbound === observed.outbound &&
    sameBurst(burst(desired.burst), burst(observed.burst), Math.max(...rates))
  );
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a state back into addresses (what apply does with `after`). A message when the JSON is
 * not a state pytin wrote. */
export function addressesFromState(state: JsonValue | null): { interfaces: string[]; addresses: ShapedAddress[] } | string {
  if (!isObject(state)) return 'the state is not an object';
  const interfaces = state.interfaces;
  if (!Array.isArray(interfaces) || !interfaces.every((i): i is string => typeof i === 'string' && /^[A-Za-z0-9_.@:-]{1,15}$/.test(i)))
    return 'interfaces is not a list of interface names';
  const addresses: ShapedAddress[] = [];
  const minors = new Set<number>();
  for (const [key, value] of Object.entries(state)) {
    if (key === 'interfaces') continue;
    if (canonicalIp(key) !== key) return `"${key}" is not a canonical address`;
    if (!isObject(value)) return `${key}: not an object`;
    const minor = typeof value.classid === 'string' ? pytinMinor(value.classid) : null;
    if (minor === null) return `${key}: classid ${JSON.stringify(value.classid)} is not in pytin's range`;
    if (minors.has(minor)) return `${key}: classid ${value.classid} is used twice`;
    minors.add(minor);
    const rate = (v: JsonValue | undefined): number | null | undefined => (v === null ? null : typeof v === 'string' ? parseBandwidth(v) : undefined);
    const inbound = rate(value.inbound);
    const outbound = rate(value.outbound);
    if (inbound === undefined || outbound === undefined) return `${key}: inbound/outbound must be a bandwidth or null`;
    const burst = value.burst;
    if (burst !== null && (typeof burst !== 'number' || !Number.isSafeInteger(burst) || burst <= 0))
      return `${key}: burst must be a positive byte count or null`;
    addresses.push({ ip: key, classid: makeClassid(minor), inboundBitsPerSecond: inbound, outboundBitsPerSecond: outbound, burstBytes: burst });
  }
  return { interfaces: interfaces as string[], addresses };
}
