import { InternalError } from '../../../inventory/core/errors.js';
import type { JsonValue } from '../../../inventory/core/json-value.js';
import { formatIp, parseIp } from '../../../schemas/formats/ip.js';
import type { TcFacts, TcInterfaceFacts, TcObject } from './tc-facts.js';
import { IPV4_TABLE, IPV6_TABLE, PYTIN_INGRESS_PREF, PYTIN_PREF, PYTIN_QDISC_HANDLE, pytinMinor } from './tc-handles.js';
import { parseTcSize } from './tc-rate.js';
import { type AddressField, emptyTree, sortTree, type TcAddressFilter, type TcClass, type TcDeviceTree } from './tc-tree.js';

/** Who holds the root of a device: pytin's HTB `7079:`, the kernel's default (handle `0:`, or no
 * listing at all: the device does not exist yet), or someone else. */
export type RootState = 'pytin' | 'default' | 'foreign';

/** One u32 node in pytin's hash tables, with the per-address filter it amounts to when it is
 * effective (in the bucket its address hashes to, in a table linked for its field, pointing at
 * one of pytin's classes). Ineffective nodes are kept so a rebuild deletes them. */
export type TcObservedNode = {
  /** `table:bucket:node` in hex, every part written (`706:0:1`). */
  handle: string;
  filter: TcAddressFilter | null;
};

/** What pytin needs to know of one device to compare and to rebuild: its tree plus the
 * scaffolding (qdiscs, the pytin filter preference, hash tables and links) and how much of the
 * device is someone else's. */
export type TcObservedDevice = {
  tree: TcDeviceTree;
  root: RootState;
  ingressQdisc: boolean;
  /** pytin's ingress redirect filter exists (whatever it redirects to). */
  ingressFilter: boolean;
  /** pytin's u32 preference exists on 7079:. */
  pytinPref: boolean;
  tables: { v4: boolean; v6: boolean };
  /** The field each table's link hashes on, with the link's handle; null: no link. */
  links: { v4: { field: AddressField; handle: string } | null; v6: { field: AddressField; handle: string } | null };
  nodes: TcObservedNode[];
  foreignClasses: number;
  foreignFilters: number;
  foreignIngressFilters: number;
};

export type TcObserved = { devices: TcObservedDevice[] };

type JsonObject = { [key: string]: JsonValue };
const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The u32 offsets (from the network header) of an address: IPv4 src 12 / dst 16; IPv6 src 8-20
 * / dst 24-36; and where the hash key (the last byte) sits. */
const OFFSETS = {
  v4: { src: [12], dst: [16] },
  v6: { src: [8, 12, 16, 20], dst: [24, 28, 32, 36] },
} as const;

export function hashOffset(version: 'v4' | 'v6', field: AddressField): number {
  const offsets = OFFSETS[version][field];
  return offsets[offsets.length - 1]!;
}

/** The single full-length address a u32 node matches, or null when it matches anything else. */
export function addressMatch(options: JsonObject): { ip: string; field: AddressField; version: 'v4' | 'v6' } | null {
  const matches = Array.isArray(options.matches) ? options.matches : [];
  const words: { off: number; value: bigint }[] = [];
  for (const m of matches) {
    if (!isObject(m) || typeof m.value !== 'string' || m.mask !== 'ffffffff' || typeof m.off !== 'number' || m.offmask !== '') return null;
    words.push({ off: m.off, value: BigInt(`0x${m.value}`) });
  }
  words.sort((a, b) => a.off - b.off);
  const offs = words.map((w) => w.off).join(',');
  for (const version of ['v4', 'v6'] as const) {
    for (const field of ['src', 'dst'] as const) {
      if (offs !== OFFSETS[version][field].join(',')) continue;
      const value = words.reduce((acc, w) => (acc << 32n) | w.value, 0n);
      return { ip: formatIp({ version: version === 'v4' ? 4 : 6, value }), field, version };
    }
  }
  return null;
}

/** The bucket an address hashes to in pytin's tables: its last byte (hashkey mask 0xff). */
export function addressBucket(ip: string): number {
  const parsed = parseIp(ip);
  if (!parsed) throw new InternalError(`not an address: ${ip}`);
  return Number(parsed.value & 0xffn);
}

function key(o: TcObject): string {
  return `${o.parent ?? ''} ${String(o.raw.pref ?? '')} ${String(o.raw.protocol ?? '')} ${o.handle ?? ''}`;
}

function dedupe(objects: readonly TcObject[]): TcObject[] {
  const seen = new Map<string, TcObject>();
  for (const o of objects) if (!seen.has(key(o))) seen.set(key(o), o);
  return [...seen.values()];
}

export function readDevice(facts: TcInterfaceFacts): TcObservedDevice {
  const device: TcObservedDevice = {
    tree: emptyTree(facts.device),
    root: 'default',
    ingressQdisc: false,
    ingressFilter: false,
    pytinPref: false,
    tables: { v4: false, v6: false },
    links: { v4: null, v6: null },
    nodes: [],
    foreignClasses: 0,
    foreignFilters: 0,
    foreignIngressFilters: 0,
  };
  for (const q of facts.qdiscs) {
    if (q.kind === 'ingress') device.ingressQdisc = true;
    else if (q.parent === 'root') device.root = q.handle === PYTIN_QDISC_HANDLE && q.kind === 'htb' ? 'pytin' : q.handle === '0:' ? 'default' : 'foreign';
  }
  const classes: TcClass[] = [];
  for (const c of facts.classes) {
    const rate = c.raw.rateBitsPerSecond;
    const ceil = c.raw.ceilBitsPerSecond;
    const burst = typeof c.raw.burst === 'string' ? parseTcSize(c.raw.burst) : null;
    if (
      device.root === 'pytin' &&
      c.kind === 'htb' &&
      pytinMinor(c.handle) !== null &&
      c.parent === 'root' &&
      typeof rate === 'number' &&
      typeof ceil === 'number'
    ) {
      classes.push({ classid: c.handle!, rateBitsPerSecond: rate, ceilBitsPerSecond: ceil, burstBytes: burst });
    } else device.foreignClasses++;
  }
  const pytinClassids = new Set(classes.map((c) => c.classid));
  const candidates: { handle: string; table: number; bucket: number; match: ReturnType<typeof addressMatch>; flowid: string | null }[] = [];
  for (const f of dedupe(facts.filters)) {
    const options = isObject(f.raw.options) ? f.raw.options : null;
    if (f.parent === 'ffff:') {
      if (f.raw.pref !== PYTIN_INGRESS_PREF) {
        if (options) device.foreignIngressFilters++;
        continue;
      }
      device.ingressFilter = true;
      const actions = options && Array.isArray(options.actions) ? options.actions : [];
      for (const a of actions)
        if (isObject(a) && a.kind === 'mirred' && a.mirred_action === 'redirect' && typeof a.to_dev === 'string') device.tree.redirectTo = a.to_dev;
      continue;
    }
    if (f.parent !== PYTIN_QDISC_HANDLE || f.raw.pref !== PYTIN_PREF || f.kind !== 'u32') {
      // The bare per-preference entries (no options) are not filters of their own.
      if (options) device.foreignFilters++;
      continue;
    }
    device.pytinPref = true;
    if (!options || typeof options.fh !== 'string') continue;
    // tc prints u32 handles as `table:bucket:node` in hex with zero parts left empty (`706::1` is
    // bucket 0, node 1; `704:` is the table itself).
    const parts = options.fh.split(':');
    const table = parseInt(parts[0]!, 16);
    const bucket = parseInt(parts[1] || '0', 16);
    const node = parseInt(parts[2] || '0', 16);
    if (parts.length === 2 && parts[1] === '' && (table === IPV4_TABLE || table === IPV6_TABLE) && options.ht_divisor === 256) {
      device.tables[table === IPV4_TABLE ? 'v4' : 'v6'] = true;
    } else if (typeof options.link === 'string') {
      const linked = parseInt(options.link, 16);
      const version = linked === IPV4_TABLE ? 'v4' : linked === IPV6_TABLE ? 'v6' : null;
      const field = (['src', 'dst'] as const).find((fl) => version && options.hash_off === hashOffset(version, fl) && options.hash_mask === 'ff');
      if (version && field) device.links[version] = { field, handle: options.fh };
    } else if ((table === IPV4_TABLE || table === IPV6_TABLE) && node !== 0) {
      candidates.push({
        handle: `${table.toString(16)}:${bucket.toString(16)}:${node.toString(16)}`,
        table,
        bucket,
        match: addressMatch(options),
        flowid: typeof options.flowid === 'string' ? options.flowid : null,
      });
    }
  }
  const filters: TcAddressFilter[] = [];
  for (const c of candidates) {
    const version = c.table === IPV4_TABLE ? 'v4' : 'v6';
    const m = c.match;
    const effective =
      m !== null &&
      m.version === version &&
      device.tables[version] &&
      device.links[version]?.field === m.field &&
      addressBucket(m.ip) === c.bucket &&
      c.flowid !== null &&
      pytinClassids.has(c.flowid);
    const filter = effective ? { ip: m!.ip, field: m!.field, classid: c.flowid! } : null;
    device.nodes.push({ handle: c.handle, filter });
    if (filter) filters.push(filter);
  }
  device.tree = sortTree({ device: facts.device, classes, filters, redirectTo: device.tree.redirectTo });
  return device;
}

/** pytin's own classes, filters and rates as observed on a host, ignoring everything else
 * (pure). Devices are those of the facts, in their order. */
export function readShaping(tcFacts: TcFacts): TcObserved {
  return { devices: tcFacts.interfaces.map(readDevice) };
}

/** The observed record of a device, or a fresh one when the facts do not list it (an ifb that
 * does not exist yet). */
export function observedDevice(observed: TcObserved, device: string): TcObservedDevice {
  return observed.devices.find((d) => d.tree.device === device) ?? readDevice({ device, qdiscs: [], classes: [], filters: [] });
}
