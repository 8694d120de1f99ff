/** Numeric OIDs: dotted strings as net-snmp gives them, compared arc by arc. */

export function parseOid(oid: string): number[] {
  const text = oid.startsWith('.') ? oid.slice(1) : oid;
  return text.split('.').map(Number);
}

/** Negative when a sorts before b in SNMP (lexicographic, arc by arc) order. */
export function compareOids(a: readonly number[], b: readonly number[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = (a[i] as number) - (b[i] as number);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/** The arcs after `base` when `oid` lies strictly inside the subtree `base`, else undefined. */
export function indexAfter(oid: string, base: string): number[] | undefined {
  if (!oid.startsWith(base) || oid.charCodeAt(base.length) !== 46 /* '.' */) return undefined;
  return oid.slice(base.length + 1).split('.').map(Number);
}
