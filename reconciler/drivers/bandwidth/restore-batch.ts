import { observedDevice, type TcObserved } from './read-shaping.js';
import { shapingBatch } from './tc-batch.js';
import { PYTIN_INGRESS_PREF, PYTIN_PREF, PYTIN_QDISC_HANDLE } from './tc-handles.js';
import { emptyTree, type TcDeviceTree } from './tc-tree.js';
import { tcDevice } from './tc-words.js';

/**
 * A `tc -force -batch` that brings the devices back to the trees read before a batch, from
 * wherever that batch stopped: tc stops at its first failing line and keeps the lines before, and
 * the host must be able to restore without pytin (the connection may be gone), so the restore
 * cannot be computed from the state after the failure. It removes every object of pytin's the
 * batch could have made or kept (the nodes observed and the nodes the batch adds, by their
 * explicit handles; pytin's u32 preference with its tables and links; every pytin class observed
 * or added; pytin's ingress filter; a root or ingress qdisc the batch may have added where there
 * was none) and builds the previous trees again. Deleting what is not there fails and `-force`
 * goes on; pytin reads the result back whenever it still can. Only pytin's objects are named, as
 * in the batch itself (tc-handles.ts).
 */
export function restoreBatch(previous: readonly TcDeviceTree[], batch: readonly string[], before: TcObserved): string[] {
  const lines: string[] = [];
  for (const tree of previous) {
    const dev = tcDevice(tree.device);
    const obs = observedDevice(before, tree.device);
    const mine = batch.filter((l) => l.includes(` dev ${dev} `));
    if (obs.root === 'default') {
      // The batch may have put pytin's root qdisc there: deleting it takes all it holds.
      lines.push(`qdisc del dev ${dev} root`);
    } else if (obs.root === 'pytin') {
      const nodePrefix = `filter del dev ${dev} parent ${PYTIN_QDISC_HANDLE} protocol all pref ${PYTIN_PREF}`;
      const added = mine.map((l) => / handle ([0-9a-f]+:[0-9a-f]+:[0-9a-f]+) u32 ht /.exec(l)?.[1]).filter((h): h is string => h !== undefined);
      for (const handle of new Set([...obs.nodes.map((n) => n.handle), ...added])) lines.push(`${nodePrefix} handle ${handle} u32`);
      lines.push(nodePrefix);
      const classes = mine.map((l) => / classid ([0-9a-f]+:[0-9a-f]+) htb /.exec(l)?.[1]).filter((c): c is string => c !== undefined);
      for (const classid of new Set([...obs.tree.classes.map((c) => c.classid), ...classes])) lines.push(`class del dev ${dev} classid ${classid}`);
      // pytin's root stays, bare: the previous tree is built on it as on a fresh one.
      const bare = { ...obs, tree: { ...emptyTree(tree.device), redirectTo: tree.redirectTo }, ingressFilter: tree.redirectTo !== null };
      const rebuilt = { ...bare, pytinPref: false, tables: { v4: false, v6: false }, links: { v4: null, v6: null }, nodes: [] };
      lines.push(...shapingBatch([tree], { devices: [rebuilt] }));
    }
    // A foreign root: the batch never touches it (tc-batch.ts), so neither does the restore.
    lines.push(`filter del dev ${dev} parent ffff: pref ${PYTIN_INGRESS_PREF}`);
    if (tree.redirectTo !== null) {
      lines.push(
        `qdisc add dev ${dev} ingress`,
        `filter add dev ${dev} parent ffff: protocol all pref ${PYTIN_INGRESS_PREF} u32 match u32 0 0 action mirred egress redirect dev ${tcDevice(tree.redirectTo)}`,
      );
    } else if (!obs.ingressQdisc) {
      lines.push(`qdisc del dev ${dev} ingress`);
    }
  }
  return lines;
}
