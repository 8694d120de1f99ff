import { type Alias, type Document, isAlias, isMap, isPair, isSeq, type Node } from 'yaml';

const targetsOf = new WeakMap<Document, Map<Alias, Node>>();

/** The node an alias repeats: the most recent node anchored with its name, in document order (an
 * alias inside its own anchored node gets that node, as in YAML). The table of a document is built
 * by one walk on first use: yaml's own Alias.resolve walks the whole document on every call, which
 * makes one lookup per diagnostic quadratic. */
export function aliasTarget(document: Document, alias: Alias): Node | undefined {
  let targets = targetsOf.get(document);
  if (!targets) {
    targets = new Map();
    const anchors = new Map<string, Node>();
    // Explicit stack, children pushed in reverse: document order without recursion.
    const stack: unknown[] = [document.contents];
    while (stack.length > 0) {
      const node = stack.pop();
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
        continue;
      }
      const anchor = (node as { anchor?: string } | null)?.anchor;
      if (anchor) anchors.set(anchor, node as Node);
      if (isMap(node) || isSeq(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
      else if (isPair(node)) stack.push(node.value, node.key);
    }
    targetsOf.set(document, targets);
  }
  return targets.get(alias);
}
