import { isKind, type Kind, KIND_NAMES, KINDS } from '../../schemas/kinds.js';
import { schemaRegistry } from '../../schemas/schema-registry.js';
import { fileContentKey } from '../cache/content-key.js';
import type { InventoryCache } from '../cache/inventory-cache.js';
import { makeAddress } from '../core/address.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SourceRange } from '../core/source-range.js';
import type { Desired } from '../model/desired-state.js';
import type { ResourceSpec } from '../model/specs.js';
import { decodeInventoryText } from '../parse/decode-text.js';
import { parseYamlFile } from '../parse/parse-yaml-file.js';
import { SourceIndex } from '../parse/source-index.js';
import { locateInDocument, type ValuePath } from '../parse/yaml-locate.js';
import type { InventoryFile } from '../source/inventory-snapshot.js';
import { salvageDocument } from './salvage-document.js';
import { schemaErrorsToDiagnostics } from './schema-diagnostics.js';

export interface LoadedDocuments {
  /** Documents that passed their kind's schema. */
  valid: Desired[];
  /** Documents that failed it, with the values in error pruned (salvage-document.ts): the
   * cross-object rules run on them too, the DesiredState never holds them. */
  salvaged: Desired[];
  /** Documents with a kind that failed their schema beyond salvage: no rule saw them. */
  leftOut: Array<{ address: string | undefined; source: SourceRange }>;
  /** Every kind/name pair seen, valid or not: references to an invalid resource are not reported
   * again as unknown (one mistake, one diagnostic). */
  declared: Map<Kind, Set<string>>;
  diagnostics: Diagnostic[];
  sources: SourceIndex;
  /** Documents that parsed into a mapping, valid or not. */
  documentCount: number;
}

/** What one file gives, whatever the other files hold: the unit the inventory cache keeps. */
interface FileResult {
  diagnostics: Diagnostic[];
  documentCount: number;
  valid: Desired[];
  salvaged: Desired[];
  leftOut: LoadedDocuments['leftOut'];
  declared: Array<[Kind, string]>;
}

/** Parses one file and checks each of its documents against its kind's schema. */
function loadFile(inventoryFile: InventoryFile): { text: string; result: FileResult } {
  const parsed = parseYamlFile(inventoryFile.path, inventoryFile.bytes);
  const result: FileResult = { diagnostics: parsed.diagnostics, documentCount: parsed.documents.length, valid: [], salvaged: [], leftOut: [], declared: [] };
  const { diagnostics, valid, salvaged, leftOut, declared } = result;
  for (const { document, value, index, range } of parsed.documents) {
    const locate = (path: ValuePath, target: 'value' | 'key' = 'value') => locateInDocument(document, parsed.lineCounter, parsed.file, path, target);
    const record = value as Record<string, unknown>;
    const kind = record.kind;
    if (kind === undefined) {
      diagnostics.push({
        severity: 'error',
        code: 'INV_SCHEMA_MISSING_KIND',
        summary: `the document has no "kind" (one of ${KIND_NAMES.join(', ')})`,
        subject: range,
      });
      continue;
    }
    if (!isKind(kind)) {
      diagnostics.push({
        severity: 'error',
        code: 'INV_SCHEMA_UNKNOWN_KIND',
        summary: `unknown kind ${JSON.stringify(kind)}; pytin knows ${KIND_NAMES.join(', ')}`,
        subject: locate(['kind']),
      });
      continue;
    }
    const name = typeof record.name === 'string' ? record.name : undefined;
    const address = name !== undefined ? makeAddress(KINDS[kind].addressPrefix, name) : undefined;
    if (name !== undefined) declared.push([kind, name]);
    // Compiled on the first document checked: a run that finds every file in the cache never compiles it.
    const validate = schemaRegistry().validators[kind];
    if (!validate(record)) {
      for (const diagnostic of schemaErrorsToDiagnostics(validate.errors ?? [], record, locate, address)) diagnostics.push(diagnostic);
      const rest = address !== undefined ? salvageDocument(record, validate) : undefined;
      if (rest === undefined) leftOut.push({ address, source: range });
      else
        salvaged.push({
          address: address!,
          kind,
          name: name!,
          spec: rest as unknown as ResourceSpec,
          source: range,
          origin: { file: parsed.file, documentIndex: index },
        });
      continue;
    }
    valid.push({
      address: address!,
      kind,
      name: name!,
      spec: record as unknown as ResourceSpec,
      source: range,
      origin: { file: parsed.file, documentIndex: index },
    });
  }
  return { text: parsed.text, result };
}

/** A file's result from the cache, or loaded and stored in it. The entry is stored at once, before
 * the rules and the model defaults see (and the defaults change) the resources. */
function loadFileCached(inventoryFile: InventoryFile, cache: InventoryCache): { text: string; result: FileResult } {
  const key = fileContentKey(inventoryFile.path, inventoryFile.bytes);
  const result = cache.lookup<FileResult>(key);
  if (result === undefined) {
    const loaded = loadFile(inventoryFile);
    cache.store(key, loaded.result);
    return loaded;
  }
  // The text only serves later position lookups (SourceIndex); a file that is not UTF-8 has none,
  // as when it is parsed (its diagnostic is in the entry).
  const decoded = decodeInventoryText(inventoryFile.path, inventoryFile.bytes);
  return { text: 'text' in decoded ? decoded.text : '', result };
}

/** Parses every file and checks each document against its kind's schema; with a cache, files whose
 * content it holds are not parsed again. */
export function loadDocuments(files: readonly InventoryFile[], cache?: InventoryCache): LoadedDocuments {
  const sources = new SourceIndex();
  const loaded: LoadedDocuments = {
    valid: [],
    salvaged: [],
    leftOut: [],
    declared: new Map(KIND_NAMES.map((k) => [k, new Set<string>()])),
    diagnostics: [],
    sources,
    documentCount: 0,
  };
  for (const inventoryFile of files) {
    const { text, result } = cache ? loadFileCached(inventoryFile, cache) : loadFile(inventoryFile);
    sources.addFile(inventoryFile.path, text);
    loaded.documentCount += result.documentCount;
    // Loops, not push(...list): a spread passes every element as an argument, and a file can give
    // more diagnostics than the stack holds arguments.
    for (const diagnostic of result.diagnostics) loaded.diagnostics.push(diagnostic);
    for (const resource of result.valid) loaded.valid.push(resource);
    for (const resource of result.salvaged) loaded.salvaged.push(resource);
    for (const document of result.leftOut) loaded.leftOut.push(document);
    for (const [kind, name] of result.declared) loaded.declared.get(kind)!.add(name);
  }
  return loaded;
}
