import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isPair, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SourceRange } from '../core/source-range.js';
import { decodeInventoryText } from './decode-text.js';
import { positionOf } from './line-index.js';

/** The inventory never nests this deep; deeper input is rejected before anything recurses on it. */
export const MAX_DEPTH = 64;
/** Aliases may expand to at most this many nodes per document ("billion laughs" guard). */
export const MAX_ALIAS_COUNT = 1000;

export interface ParsedYamlDocument {
  /** 0-based position of the document in its file. */
  index: number;
  document: Document.Parsed;
  /** The JS value, `undefined` when the document could not be converted. */
  value: unknown;
  range: SourceRange;
}

export interface ParsedYamlFile {
  file: string;
  text: string;
  lineCounter: LineCounter;
  documents: ParsedYamlDocument[];
  diagnostics: Diagnostic[];
}

function rangeAt(file: string, lineCounter: LineCounter, start: number, end: number): SourceRange {
  return { file, start: positionOf(lineCounter, start), end: positionOf(lineCounter, end) };
}

/** Depth of the node tree, stopping as soon as the limit is passed. Iterative: no stack to blow. */
function exceedsDepth(root: unknown, limit: number): Node | undefined {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > limit) return node as Node;
    if (isMap(node)) for (const pair of node.items) stack.push([pair.value, depth + 1]);
    else if (isSeq(node)) for (const item of node.items) stack.push([item, depth + 1]);
    else if (isPair(node)) stack.push([node.value, depth + 1]);
  }
  return undefined;
}

function duplicateKeyMessage(text: string, offset: number): string {
  const key = text.slice(offset).match(/^[^:\n]*/)?.[0]?.trim();
  return key ? `the key "${key}" appears twice in the same mapping` : 'a key appears twice in the same mapping';
}

/** Parses one inventory file into documents with positions. Never throws on bad input. */
export function parseYamlFile(file: string, bytes: Uint8Array): ParsedYamlFile {
  const lineCounter = new LineCounter();
  const decoded = decodeInventoryText(file, bytes);
  if ('diagnostic' in decoded) return { file, text: '', lineCounter, documents: [], diagnostics: [decoded.diagnostic] };
  const text = decoded.text;
  const diagnostics: Diagnostic[] = [];
  let parsedDocuments: Document.Parsed[];
  try {
    parsedDocuments = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true }) as Document.Parsed[];
  } catch (error) {
    // The yaml parser recurses on flow collections: absurd nesting exhausts the stack.
    if (error instanceof RangeError) {
      diagnostics.push({
        severity: 'error',
        code: 'INV_YAML_TOO_DEEP',
        summary: `the file nests deeper than the parser can follow (the inventory needs at most ${MAX_DEPTH} levels)`,
        subject: rangeAt(file, new LineCounter(), 0, 0),
      });
      return { file, text, lineCounter, documents: [], diagnostics };
    }
    throw error;
  }
  // parseAllDocuments returns an EmptyStream (a plain array) for a file without documents.
  const documents: ParsedYamlDocument[] = [];
  parsedDocuments.forEach((document, index) => {
    // Point at the document's first key rather than at its `---` marker.
    const range = rangeAt(file, lineCounter, document.contents?.range?.[0] ?? document.range[0], document.range[1]);
    let failed = false;
    for (const error of document.errors) {
      failed = true;
      const [start, end] = error.pos;
      const duplicate = error.code === 'DUPLICATE_KEY';
      diagnostics.push({
        severity: 'error',
        code: duplicate ? 'INV_YAML_DUPLICATE_KEY' : 'INV_YAML_SYNTAX',
        summary: duplicate ? duplicateKeyMessage(text, start) : `${error.message.split('\n')[0]} (${error.code})`,
        subject: rangeAt(file, lineCounter, start, end),
      });
    }
    for (const warning of document.warnings) {
      diagnostics.push({
        severity: 'warning',
        code: 'INV_YAML_WARNING',
        summary: `${warning.message.split('\n')[0]} (${warning.code})`,
        subject: rangeAt(file, lineCounter, warning.pos[0], warning.pos[1]),
      });
    }
    if (failed) return;
    const tooDeep = exceedsDepth(document.contents, MAX_DEPTH);
    if (tooDeep) {
      const at = tooDeep.range?.[0] ?? document.range[0];
      diagnostics.push({
        severity: 'error',
        code: 'INV_YAML_TOO_DEEP',
        summary: `the document nests deeper than ${MAX_DEPTH} levels`,
        subject: rangeAt(file, lineCounter, at, at),
      });
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      diagnostics.push({
        severity: 'error',
        code: 'INV_YAML_ALIAS_LIMIT',
        summary: `aliases expand to too many nodes (${(error as Error).message})`,
        subject: range,
      });
      return;
    }
    if (value === null || value === undefined) {
      if (parsedDocuments.length > 1) {
        const marker = rangeAt(file, lineCounter, document.range[0], document.range[0]);
        diagnostics.push({ severity: 'warning', code: 'INV_YAML_EMPTY_DOCUMENT', summary: 'empty document (a stray ---?)', subject: marker });
      }
      return;
    }
    if (!isMap(document.contents) || typeof value !== 'object' || Array.isArray(value)) {
      const what = isSeq(document.contents) ? 'a list' : isScalar(document.contents) ? `the scalar ${JSON.stringify(String(value)).slice(0, 60)}` : 'not a mapping';
      diagnostics.push({
        severity: 'error',
        code: 'INV_YAML_NOT_A_MAPPING',
        summary: `a document must be a mapping with kind and name; this one is ${what}`,
        subject: range,
      });
      return;
    }
    documents.push({ index, document, value, range });
  });
  if (documents.length === 0 && diagnostics.length === 0) {
    diagnostics.push({
      severity: 'warning',
      code: 'INV_YAML_EMPTY_FILE',
      summary: 'the file holds no document',
      subject: rangeAt(file, lineCounter, 0, 0),
    });
  }
  return { file, text, lineCounter, documents, diagnostics };
}
