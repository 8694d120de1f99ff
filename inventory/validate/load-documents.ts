import { isKind, type Kind, KIND_NAMES, KINDS } from '../../schemas/kinds.js';
import { schemaRegistry } from '../../schemas/schema-registry.js';
import { makeAddress } from '../core/address.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SourceRange } from '../core/source-range.js';
import type { Desired } from '../model/desired-state.js';
import type { ResourceSpec } from '../model/specs.js';
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

/** Parses every file and checks each document against its kind's schema. */
export function loadDocuments(files: readonly InventoryFile[]): LoadedDocuments {
  const { validators } = schemaRegistry();
  const sources = new SourceIndex();
  const valid: Desired[] = [];
  const salvaged: Desired[] = [];
  const leftOut: LoadedDocuments['leftOut'] = [];
  const declared = new Map<Kind, Set<string>>(KIND_NAMES.map((k) => [k, new Set<string>()]));
  const diagnostics: Diagnostic[] = [];
  let documentCount = 0;
  for (const inventoryFile of files) {
    const parsed = parseYamlFile(inventoryFile.path, inventoryFile.bytes);
    sources.addFile(parsed.file, parsed.text);
    // A loop, not push(...list): a spread passes every element as an argument, and a file can give
    // more diagnostics than the stack holds arguments.
    for (const diagnostic of parsed.diagnostics) diagnostics.push(diagnostic);
    documentCount += parsed.documents.length;
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
      if (name !== undefined) declared.get(kind)!.add(name);
      const validate = validators[kind];
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
  }
  return { valid, salvaged, leftOut, declared, diagnostics, sources, documentCount };
}
