import { InternalError } from '../../../inventory/core/errors.js';
import { addressBucket, hashOffset, observedDevice, type TcObserved, type TcObservedDevice } from './read-shaping.js';
import { HASH_BUCKETS, IPV4_TABLE, IPV6_TABLE, MAX_NODES_PER_BUCKET, PYTIN_INGRESS_PREF, PYTIN_PREF, PYTIN_QDISC_HANDLE } from './tc-handles.js';
import { type AddressField, isEmptyTree, sameClass, type TcAddressFilter, type TcDeviceTree } from './tc-tree.js';
import { tcAddress, tcClassid, tcDevice } from './tc-words.js';

const hex = (n: number) => n.toString(16);

/**
 * The `tc -batch` lines that turn what is observed into the desired trees, touching only pytin's
 * objects (tc-handles.ts). Unchanged classes and filters are kept (a class that is replaced keeps
 * its queue; a filter that is kept keeps its u32 handle); the rest is deleted and added. Order
 * within a device: scaffolding (root qdisc, hash tables, links), filter deletions, class
 * deletions, class replacements, filter additions, ingress redirect — a class is only deleted once
 * no filter of pytin's points at it, and a filter only added once its class exists.
 *
 * tc stops a batch at the first failing line and keeps what ran before: the caller restores the
 * previous trees with the same function (see apply-shaping.ts). Empty: nothing to do.
 */
export function shapingBatch(desired: readonly TcDeviceTree[], observed: TcObserved): string[] {
  const lines: string[] = [];
  for (const tree of desired) lines.push(...deviceBatch(tree, observedDevice(observed, tree.device)));
  return lines;
}

function fieldOf(tree: TcDeviceTree): AddressField | null {
  const fields = new Set(tree.filters.map((f) => f.field));
  if (fields.size > 1) throw new InternalError(`tree of ${tree.device} mixes src and dst filters`);
  return fields.values().next().value ?? null;
}

function deviceBatch(tree: TcDeviceTree, obs: TcObservedDevice): string[] {
  const egress = { ...tree, redirectTo: null };
  // An empty tree under someone else's root qdisc (a retired interface) touches no root object.
  if (obs.root === 'foreign' && !isEmptyTree(egress)) throw new InternalError(`${tree.device}: refusing to build under a root qdisc pytin did not create`);
  // Every value that comes from git is checked where it enters a line (tc-words.ts).
  const dev = tcDevice(tree.device);
  const lines: string[] = [];
  const field = fieldOf(tree);
  const u32 = `filter %s dev ${dev} parent ${PYTIN_QDISC_HANDLE} protocol all pref ${PYTIN_PREF}`;
  const filterCmd = (verb: 'add' | 'del') => u32.replace('%s', verb);

  if (!isEmptyTree(egress)) {
    let nodes = obs.nodes;
    if (obs.root !== 'pytin') lines.push(`qdisc replace dev ${dev} root handle ${PYTIN_QDISC_HANDLE} htb default 0`);
    const scaffoldOk =
      obs.root === 'pytin' && obs.tables.v4 && obs.tables.v6 && (field === null || (obs.links.v4?.field === field && obs.links.v6?.field === field));
    if (!scaffoldOk) {
      if (obs.root === 'pytin' && obs.pytinPref) lines.push(...removeFilters(dev, obs));
      nodes = [];
      if (field !== null) {
        lines.push(
          `${filterCmd('add')} handle ${hex(IPV4_TABLE)}: u32 divisor ${HASH_BUCKETS}`,
          `${filterCmd('add')} handle ${hex(IPV6_TABLE)}: u32 divisor ${HASH_BUCKETS}`,
        );
        // The version nibble picks the table (protocol all: one u32 preference for both families,
        // so pytin's tables live and die with one filter chain).
        lines.push(
          `${filterCmd('add')} u32 match u8 0x40 0xf0 at 0 hashkey mask 0x000000ff at ${hashOffset('v4', field)} link ${hex(IPV4_TABLE)}:`,
          `${filterCmd('add')} u32 match u8 0x60 0xf0 at 0 hashkey mask 0x000000ff at ${hashOffset('v6', field)} link ${hex(IPV6_TABLE)}:`,
        );
      }
    }
    const kept = new Map<string, string>(); // filter key -> handle
    const key = (f: TcAddressFilter) => `${f.field} ${f.ip} ${f.classid}`;
    const wanted = new Set(tree.filters.map(key));
    for (const node of nodes) {
      if (node.filter && wanted.has(key(node.filter)) && !kept.has(key(node.filter))) kept.set(key(node.filter), node.handle);
      else lines.push(`${filterCmd('del')} handle ${node.handle} u32`);
    }
    const desiredClasses = new Map(tree.classes.map((c) => [c.classid, c]));
    for (const c of obs.tree.classes) if (!desiredClasses.has(c.classid)) lines.push(`class del dev ${dev} classid ${c.classid}`);
    const observedClasses = new Map(obs.tree.classes.map((c) => [c.classid, c]));
    for (const c of tree.classes) {
      const o = observedClasses.get(c.classid);
      if (o && obs.root === 'pytin' && sameClass(c, o)) continue;
      const burst = c.burstBytes === null ? '' : ` burst ${c.burstBytes}b cburst ${c.burstBytes}b`;
      lines.push(
        `class replace dev ${dev} parent ${PYTIN_QDISC_HANDLE} classid ${tcClassid(c.classid)} htb rate ${c.rateBitsPerSecond}bit ceil ${c.ceilBitsPerSecond}bit${burst}`,
      );
    }
    const usedNodes = new Map<string, Set<number>>(); // "table:bucket" -> node ids
    for (const handle of kept.values()) {
      const [t, b, n] = handle.split(':');
      const slot = `${t}:${b}`;
      usedNodes.set(slot, (usedNodes.get(slot) ?? new Set()).add(parseInt(n!, 16)));
    }
    for (const f of tree.filters) {
      if (kept.has(key(f))) continue;
      const v6 = f.ip.includes(':');
      const table = hex(v6 ? IPV6_TABLE : IPV4_TABLE);
      const bucket = hex(addressBucket(f.ip));
      const slot = `${table}:${bucket}`;
      const used = usedNodes.get(slot) ?? new Set<number>();
      let node = 1;
      while (used.has(node)) node++;
      if (node > MAX_NODES_PER_BUCKET) throw new InternalError(`${dev}: more than ${MAX_NODES_PER_BUCKET} addresses in hash bucket ${slot}`);
      usedNodes.set(slot, used.add(node));
      const match = v6 ? `match ip6 ${f.field} ${tcAddress(f.ip)}/128` : `match ip ${f.field} ${tcAddress(f.ip)}/32`;
      lines.push(`${filterCmd('add')} handle ${slot}:${hex(node)} u32 ht ${slot}: ${match} flowid ${tcClassid(f.classid)}`);
    }
  } else if (obs.root === 'pytin') {
    if (obs.foreignClasses === 0 && obs.foreignFilters === 0) {
      // Nothing of anyone else's hangs off pytin's qdisc: removing it removes all of pytin's.
      lines.push(`qdisc del dev ${dev} root`);
    } else {
      if (obs.pytinPref) lines.push(...removeFilters(dev, obs));
      for (const c of obs.tree.classes) lines.push(`class del dev ${dev} classid ${c.classid}`);
    }
  }

  const ingress = `filter %s dev ${dev} parent ffff: protocol all pref ${PYTIN_INGRESS_PREF}`;
  if (tree.redirectTo !== null) {
    if (obs.tree.redirectTo !== tree.redirectTo) {
      if (!obs.ingressQdisc) lines.push(`qdisc add dev ${dev} ingress`);
      if (obs.ingressFilter) lines.push(`filter del dev ${dev} parent ffff: pref ${PYTIN_INGRESS_PREF}`);
      lines.push(`${ingress.replace('%s', 'add')} u32 match u32 0 0 action mirred egress redirect dev ${tcDevice(tree.redirectTo)}`);
    }
  } else if (obs.ingressFilter) {
    lines.push(`filter del dev ${dev} parent ffff: pref ${PYTIN_INGRESS_PREF}`);
    if (obs.foreignIngressFilters === 0) lines.push(`qdisc del dev ${dev} ingress`);
  }
  return lines;
}

/** Deletes pytin's u32 preference on a device: its per-address nodes first (u32 keeps hash tables
 * alive while another preference on the qdisc shares them, and their nodes keep classes bound),
 * then the preference with its tables and links. */
function removeFilters(dev: string, obs: TcObservedDevice): string[] {
  const prefix = `filter del dev ${dev} parent ${PYTIN_QDISC_HANDLE} protocol all pref ${PYTIN_PREF}`;
  return [...obs.nodes.map((n) => `${prefix} handle ${n.handle} u32`), prefix];
}
