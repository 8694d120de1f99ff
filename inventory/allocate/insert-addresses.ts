import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments, type YAMLMap, type YAMLSeq } from 'yaml';

import { InternalError } from '../core/errors.js';
import type { ValuePath } from '../parse/yaml-locate.js';

/** How an address is written: IPv6 quoted, so no YAML reader mistakes its colons. */
function scalarText(ip: string): string {
  return ip.includes(':') ? `"${ip}"` : ip;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end;
}

function nodeAt(document: Document.Parsed, path: ValuePath): unknown {
  let node: unknown = document.contents;
  for (const segment of path) {
    if (isMap(node)) node = node.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === String(segment))?.value;
    else if (isSeq(node)) node = node.items[Number(segment)];
    else return undefined;
  }
  return node;
}

function splice(text: string, offset: number, insertion: string): string {
  return text.slice(0, offset) + insertion + text.slice(offset);
}

function appendToSequence(text: string, seq: YAMLSeq, ips: readonly string[]): string {
  const items = seq.items as Node[];
  if (seq.flow) {
    // [a, b] -> [a, b, c]; [] -> [c]
    const close = seq.range![1] - 1;
    const last = items[items.length - 1];
    const at = last ? last.range![1] : close;
    const insertion = (last ? ', ' : '') + ips.map(scalarText).join(', ');
    return splice(text, at, insertion);
  }
  // Block sequence: copy the "    - " prefix of the last item's line, add lines after it.
  const last = items[items.length - 1]!;
  const prefix = text.slice(lineStart(text, last.range![0]), last.range![0]);
  if (!/^\s*-\s+$/.test(prefix)) throw new InternalError(`unexpected layout before a list item: ${JSON.stringify(prefix)}`);
  const at = lineEnd(text, last.range![1]);
  return splice(text, at, ips.map((ip) => `\n${prefix}${scalarText(ip)}`).join(''));
}

function addKeyToMap(text: string, map: YAMLMap, ips: readonly string[]): string {
  const list = `[${ips.map(scalarText).join(', ')}]`;
  const lastPair = map.items[map.items.length - 1];
  if (map.flow || !lastPair) {
    const close = map.range![1] - 1;
    const lastValue = lastPair?.value as Node | undefined;
    const at = lastValue?.range ? lastValue.range[1] : close;
    return splice(text, at, `${lastPair ? ', ' : ''}ips: ${list}`);
  }
  // Block mapping: a new "ips:" line with the indentation of the mapping's keys.
  const firstKey = map.items[0]!.key as Node;
  const indent = ' '.repeat(firstKey.range![0] - lineStart(text, firstKey.range![0]));
  const lastNode = (lastPair.value as Node | null) ?? (lastPair.key as Node);
  const at = lineEnd(text, lastNode.range![1] - 1 < lastNode.range![0] ? lastNode.range![0] : lastNode.range![1] - 1);
  return splice(text, at, `\n${indent}ips: ${list}`);
}

/** Adds addresses to the `ips` list of the mapping at `path` of document `documentIndex`, by
 * editing the text in place: comments, order, quoting and layout of everything else stay as they
 * were, so the change reviews as a one- or two-line diff. */
export function insertAddresses(text: string, documentIndex: number, path: ValuePath, ips: readonly string[]): string {
  const documents = parseAllDocuments(text, { lineCounter: new LineCounter(), keepSourceTokens: false }) as Document.Parsed[];
  const document = documents[documentIndex];
  if (!document) throw new InternalError(`document ${documentIndex} not found`);
  const holder = nodeAt(document, path);
  if (!isMap(holder)) throw new InternalError(`the value at ${path.join('.')} is not a mapping`);
  const existing = holder.items.find((pair) => isScalar(pair.key) && pair.key.value === 'ips');
  if (existing && isSeq(existing.value) && existing.value.items.length > 0) return appendToSequence(text, existing.value, ips);
  if (existing && isSeq(existing.value) && existing.value.flow) return appendToSequence(text, existing.value, ips);
  if (existing) throw new InternalError(`"ips" at ${path.join('.')} is not a list that can be extended`);
  return addKeyToMap(text, holder, ips);
}
