import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Pair } from 'yaml';

import type { Diagnostic } from '../core/diagnostic.js';
import type { DiagnosticCode } from '../core/diagnostic-codes.js';
import { formatSourceRange, type SourceRange } from '../core/source-range.js';
import { propertyName } from './property-name.js';

/** Keys one mapping may hold. Inventory mappings hold tens of keys (the largest are a document's
 * own fields and its `labels`); 10,000 is two orders of magnitude above any of them, yet it bounds
 * what one mapping makes every later stage do and print: each key can give several schema
 * diagnostics, and an 80,000-key mapping would put that many lines into a CI log. */
export const MAX_KEYS_PER_MAPPING = 10_000;

/** Aliases may expand to at most this many nodes per document ("billion laughs" guard). Each
 * alias counts the nodes it stands for, nested aliases included, so an exponential expansion is
 * refused after at most this much work. */
export const MAX_ALIAS_COUNT = 1000;

/** Longest key quoted in a message: a key may be megabytes long. */
const QUOTED_KEY_LENGTH = 60;

type RangeOf = (start: number, end: number) => SourceRange;

interface Anchored {
  value: unknown;
  /** Nodes the anchored value stands for, its own aliases expanded. */
  nodes: number;
}

interface Converted {
  value: unknown;
  nodes: number;
}

/** An anchor whose node is still being converted: an alias to it would make the value contain itself. */
const PENDING = 'pending';

export interface DocumentValue {
  /** The JS value; undefined when a diagnostic refused the document. */
  value: unknown;
  diagnostics: Diagnostic[];
}

function quoteKey(name: string): string {
  return JSON.stringify(name.length > QUOTED_KEY_LENGTH ? `${name.slice(0, QUOTED_KEY_LENGTH - 3)}...` : name);
}

/** Builds the JS value of a document in one pass over its nodes, checking on the way what the
 * inventory forbids: a key twice in one mapping, more than MAX_KEYS_PER_MAPPING keys, keys that
 * are not plain values, aliases to no anchor or to their own enclosing node, and alias expansion
 * beyond MAX_ALIAS_COUNT nodes. Every such problem is reported, not only the first.
 *
 * Not `document.toJS()`: yaml resolves each alias by scanning every anchor and alias before it,
 * and re-walks the whole document to count nested aliases, which is quadratic in a document's size.
 * Here anchors are a Map filled in document order, so each node is visited once.
 *
 * Precondition: the document's depth was checked (exceedsDepth), so the recursion is shallow;
 * keys that are collections are reported, not descended into. */
export function documentValue(document: Document.Parsed, rangeOf: RangeOf): DocumentValue {
  const diagnostics: Diagnostic[] = [];
  const anchors = new Map<string, Anchored | typeof PENDING>();
  let expansion = 0;
  let expansionReported = false;
  const fallbackStart = document.contents?.range?.[0] ?? document.range[0];

  const at = (node: unknown, fallback = fallbackStart): SourceRange => {
    const range = (node as { range?: [number, number, number] | null } | null)?.range;
    return range ? rangeOf(range[0], range[1]) : rangeOf(fallback, fallback);
  };
  const report = (code: DiagnosticCode, summary: string, subject: SourceRange, detail?: string): void => {
    diagnostics.push({ severity: 'error', code, summary, subject, ...(detail ? { detail } : {}) });
  };

  const convert = (node: unknown): Converted => {
    if (node === null || node === undefined) return { value: null, nodes: 1 };
    if (isAlias(node)) return resolveAlias(node.source, node);
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.set(anchor, PENDING);
    const converted = isMap(node)
      ? convertMap(node.items as Pair[])
      : isSeq(node)
        ? convertSeq(node.items)
        : isPair(node)
          ? convertMap([node])
          : { value: isScalar(node) ? node.value : null, nodes: 1 };
    // A later anchor of the same name replaces this one for later aliases (YAML: the most recent wins).
    if (anchor) anchors.set(anchor, converted);
    return converted;
  };

  const resolveAlias = (name: string, node: unknown): Converted => {
    const target = anchors.get(name);
    if (target === undefined) {
      report(
        'INV_YAML_UNKNOWN_ALIAS',
        `the alias *${name} names no anchor &${name} before it in this document`,
        at(node),
        'An alias repeats a node marked with an anchor earlier in the same document (anchors do not cross `---`).',
      );
      return { value: null, nodes: 1 };
    }
    if (target === PENDING) {
      report('INV_YAML_RECURSIVE_ALIAS', `the alias *${name} is inside the node anchored &${name}: the value would contain itself`, at(node));
      return { value: null, nodes: 1 };
    }
    expansion += target.nodes;
    if (expansion > MAX_ALIAS_COUNT && !expansionReported) {
      expansionReported = true;
      report(
        'INV_YAML_ALIAS_LIMIT',
        `aliases expand to more than ${MAX_ALIAS_COUNT} nodes in this document (this alias makes ${expansion})`,
        at(node),
        'Deeply nested aliases multiply the data (a "billion laughs" document); write the values out instead.',
      );
    }
    return target;
  };

  /** The property name of a key; undefined (reported) when the key is not a plain value. */
  const keyName = (key: unknown): { name: string | undefined; nodes: number } => {
    if (isMap(key) || isSeq(key)) {
      report('INV_YAML_COMPLEX_KEY', 'a mapping key is a list or a mapping; inventory keys are plain names', at(key));
      return { name: undefined, nodes: 1 };
    }
    const { value, nodes } = convert(key);
    const name = propertyName(value);
    if (name === undefined)
      report('INV_YAML_COMPLEX_KEY', 'a mapping key is not a plain value (a tagged date or binary?); inventory keys are plain names', at(key));
    return { name, nodes };
  };

  const convertMap = (items: readonly Pair[]): Converted => {
    const object: Record<string, unknown> = {};
    // The first key node of each name, for the message about the second.
    const firstKeys = new Map<string, unknown>();
    let nodes = 1;
    if (items.length > MAX_KEYS_PER_MAPPING) {
      const offending = items[MAX_KEYS_PER_MAPPING]!;
      report(
        'INV_YAML_TOO_MANY_KEYS',
        `this mapping has ${items.length} keys; a mapping may hold at most ${MAX_KEYS_PER_MAPPING}, and this is key ${MAX_KEYS_PER_MAPPING + 1}`,
        at(offending.key ?? offending.value),
        `The mapping starts at ${formatSourceRange(at(items[0]!.key ?? items[0]!.value))}. No inventory mapping needs that many keys; the keys after the limit are not read.`,
      );
    }
    const count = Math.min(items.length, MAX_KEYS_PER_MAPPING);
    for (let i = 0; i < count; i++) {
      const pair = items[i]!;
      const key = keyName(pair.key);
      const value = convert(pair.value);
      nodes += key.nodes + value.nodes;
      if (key.name === undefined) continue;
      const first = firstKeys.get(key.name);
      if (first !== undefined) {
        report(
          'INV_YAML_DUPLICATE_KEY',
          `the key ${quoteKey(key.name)} appears twice in the same mapping; first at ${formatSourceRange(at(first))}`,
          at(pair.key),
        );
        continue;
      }
      firstKeys.set(key.name, pair.key ?? pair);
      // `__proto__` would set the prototype instead of a property (yaml defines it as a property too).
      if (key.name === '__proto__') Object.defineProperty(object, key.name, { value: value.value, writable: true, enumerable: true, configurable: true });
      else object[key.name] = value.value;
    }
    return { value: object, nodes };
  };

  const convertSeq = (items: readonly unknown[]): Converted => {
    const array: unknown[] = [];
    let nodes = 1;
    for (const item of items) {
      const converted = convert(item);
      array.push(converted.value);
      nodes += converted.nodes;
    }
    return { value: array, nodes };
  };

  const { value } = convert(document.contents);
  return { value: diagnostics.length === 0 ? value : undefined, diagnostics };
}
