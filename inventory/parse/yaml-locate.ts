import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourceRange } from '../core/source-range.js';
import { positionOf } from './line-index.js';

export type ValuePath = readonly (string | number)[];

/** Which part of a mapping entry a location points at. */
export type LocateTarget = 'value' | 'key';

function rangeOfNode(node: Node | null | undefined, file: string, lineCounter: LineCounter, fallback: number): SourceRange {
  const [start, end] = node?.range ?? [fallback, fallback];
  return { file, start: positionOf(lineCounter, start), end: positionOf(lineCounter, end) };
}

/** The place of the value (or key) at `path` in a parsed document. When the path does not exist
 * (a missing field), the nearest existing ancestor is returned: the mapping that lacks the key. */
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
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && (isScalar(item.key) ? String(item.key.value) : String(item.key)) === String(segment));
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
