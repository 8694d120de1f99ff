import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';

import type { SourceRange } from '../core/source-range.js';
import { aliasTarget } from './alias-targets.js';
import { positionOf } from './line-index.js';
import { propertyName } from './property-name.js';

export type ValuePath = readonly (string | number)[];

/** Which part of a mapping entry a location points at. */
export type LocateTarget = 'value' | 'key';

function rangeOfNode(node: Node | null | undefined, file: string, lineCounter: LineCounter, fallback: number): SourceRange {
  const [start, end] = node?.range ?? [fallback, fallback];
  return { file, start: positionOf(lineCounter, start), end: positionOf(lineCounter, end) };
}

/** Each mapping's pairs by property name, built on first lookup. Scanning the mapping per lookup
 * would make a file with one diagnostic per key of a large mapping quadratic. The first pair of a
 * name wins, as in a scan (a second one was reported as a duplicate key). */
const pairsByName = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairNamed(document: Document, map: YAMLMap, name: string): Pair | undefined {
  let index = pairsByName.get(map);
  if (!index) {
    index = new Map();
    for (const item of map.items) {
      if (!isPair(item)) continue;
      const key = isAlias(item.key) ? aliasTarget(document, item.key) : item.key;
      const keyName = isScalar(key) ? propertyName(key.value) : undefined;
      if (keyName !== undefined && !index.has(keyName)) index.set(keyName, item);
    }
    pairsByName.set(map, index);
  }
  return index.get(name);
}

/** The place of the value (or key) at `path` in a parsed document. When the path does not exist
 * (a missing field), the nearest existing ancestor is returned: the mapping that lacks the key.
 * Each step costs O(1) after a mapping's first lookup, so locating is linear in the path. */
export function locateInDocument(
  document: Document.Parsed,
  lineCounter: LineCounter,
  file: string,
  path: ValuePath,
  target: LocateTarget = 'value',
): SourceRange {
  const docStart = document.range[0];
  let node: unknown = document.contents;
  let keyNode: Node | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = aliasTarget(document, node);
    if (isMap(node)) {
      const pair = pairNamed(document, node, String(segment));
      if (!pair) break;
      keyNode = pair.key as Node;
      node = pair.value;
      if (node === null) {
        node = keyNode;
      }
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) break;
      keyNode = undefined;
      node = item;
    } else break;
  }
  const chosen = target === 'key' && keyNode ? keyNode : (node as Node | null);
  return rangeOfNode(chosen, file, lineCounter, docStart);
}
