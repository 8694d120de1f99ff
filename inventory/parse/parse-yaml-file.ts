import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';

import type { Diagnostic } from '../core/diagnostic.js';
import type { SourceRange } from '../core/source-range.js';
import { decodeInventoryText } from './decode-text.js';
import { documentValue } from './document-value.js';
import { positionOf } from './line-index.js';
import { YAML_PARSE_OPTIONS } from './yaml-options.js';

export { MAX_ALIAS_COUNT, MAX_KEYS_PER_MAPPING } from './document-value.js';

/** The inventory never nests this deep; deeper input is rejected before anything recurses on it. */
export const MAX_DEPTH = 64;

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

/** Parses one inventory file into documents with positions. Never throws on bad input. */
export function parseYamlFile(file: string, bytes: Uint8Array): ParsedYamlFile {
  const lineCounter = new LineCounter();
  const decoded = decodeInventoryText(file, bytes);
  if ('diagnostic' in decoded) return { file, text: '', lineCounter, documents: [], diagnostics: [decoded.diagnostic] };
  const text = decoded.text;
  const diagnostics: Diagnostic[] = [];
  let parsedDocuments: Document.Parsed[];
  try {
    parsedDocuments = parseAllDocuments(text, { ...YAML_PARSE_OPTIONS, lineCounter }) as Document.Parsed[];
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
    const failed = document.errors.length > 0;
    for (const error of document.errors) {
      diagnostics.push({
        severity: 'error',
        code: 'INV_YAML_SYNTAX',
        summary: `${error.message.split('\n')[0]} (${error.code})`,
        subject: rangeAt(file, lineCounter, error.pos[0], error.pos[1]),
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
    // Converted even after a syntax error, so that its duplicate keys are reported with it.
    const converted = documentValue(document, (start, end) => rangeAt(file, lineCounter, start, end));
    for (const diagnostic of converted.diagnostics) diagnostics.push(diagnostic);
    if (failed || converted.diagnostics.length > 0) return;
    const value = converted.value;
    if (value === null || value === undefined) {
      if (parsedDocuments.length > 1) {
        const marker = rangeAt(file, lineCounter, document.range[0], document.range[0]);
        diagnostics.push({ severity: 'warning', code: 'INV_YAML_EMPTY_DOCUMENT', summary: 'empty document (a stray ---?)', subject: marker });
      }
      return;
    }
    if (!isMap(document.contents) || typeof value !== 'object' || Array.isArray(value)) {
      const what = isSeq(document.contents)
        ? 'a list'
        : isScalar(document.contents)
          ? `the scalar ${JSON.stringify(String(value).slice(0, 60)).slice(0, 60)}`
          : 'not a mapping';
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
