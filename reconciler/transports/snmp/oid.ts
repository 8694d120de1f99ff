/** Numeric OIDs as dotted strings (as net-snmp gives them, no leading dot), compared arc by arc.
 * The comparison scans the strings in place: a walk compares every row it receives, and
 * splitting each OID into an array was a large share of a 10,000-row walk's CPU time. */

const DOT = 46;
const ZERO = 48;

/** Negative when `a` sorts before `b` in SNMP order (numeric, arc by arc; a prefix sorts first). */
export function compareOids(a: string, b: string): number {
  const la = a.length;
  const lb = b.length;
  let i = 0;
  let j = 0;
  while (i < la && j < lb) {
    let x = 0;
    for (let c = a.charCodeAt(i); i < la && c !== DOT; c = a.charCodeAt(++i)) x = x * 10 + (c - ZERO);
    let y = 0;
    for (let c = b.charCodeAt(j); j < lb && c !== DOT; c = b.charCodeAt(++j)) y = y * 10 + (c - ZERO);
    if (x !== y) return x - y;
    i++;
    j++;
  }
  const aLonger = i < la;
  const bLonger = j < lb;
  return aLonger === bLonger ? 0 : aLonger ? 1 : -1;
}

/** True when `oid` lies strictly inside the subtree `base`. */
export function isInSubtree(oid: string, base: string): boolean {
  return oid.length > base.length + 1 && oid.charCodeAt(base.length) === DOT && oid.startsWith(base);
}

/** The arcs after `base` when `oid` lies strictly inside the subtree `base`, else undefined. */
export function indexAfter(oid: string, base: string): number[] | undefined {
  if (!isInSubtree(oid, base)) return undefined;
  const arcs: number[] = [];
  let arc = 0;
  for (let i = base.length + 1; i < oid.length; i++) {
    const c = oid.charCodeAt(i);
    if (c === DOT) {
      arcs.push(arc);
      arc = 0;
    } else {
      arc = arc * 10 + (c - ZERO);
    }
  }
  arcs.push(arc);
  return arcs;
}
