import { type Document, LineCounter, parseAllDocuments } from 'yaml';

import type { SourceRange } from '../core/source-range.js';
import { locateInDocument, type LocateTarget, type ValuePath } from './yaml-locate.js';
import { YAML_PARSE_OPTIONS } from './yaml-options.js';

export interface SourcePointer {
  file: string;
  documentIndex: number;
  path: ValuePath;
}

/** What a consumer of positions needs of a SourceIndex. */
export interface SourceLocator {
  locate(pointer: SourcePointer, target?: LocateTarget): SourceRange;
}

/** Finds the file:line:col of any value of the inventory after its parse trees were dropped.
 * Keeping every yaml node of a large inventory costs far more memory than re-parsing the few files
 * a diagnostic points into, so files are parsed again on demand and cached. */
export class SourceIndex implements SourceLocator {
  private readonly texts = new Map<string, string>();
  private readonly parsed = new Map<string, { documents: Document.Parsed[]; lineCounter: LineCounter }>();

  addFile(file: string, text: string): void {
    this.texts.set(file, text);
  }

  /** Uses an already parsed file while it is at hand (saves the re-parse). */
  remember(file: string, documents: Document.Parsed[], lineCounter: LineCounter): void {
    this.parsed.set(file, { documents, lineCounter });
  }

  forget(file: string): void {
    this.parsed.delete(file);
  }

  text(file: string): string | undefined {
    return this.texts.get(file);
  }

  locate(pointer: SourcePointer, target: LocateTarget = 'value'): SourceRange {
    let entry = this.parsed.get(pointer.file);
    if (!entry) {
      const lineCounter = new LineCounter();
      const documents = parseAllDocuments(this.texts.get(pointer.file) ?? '', { ...YAML_PARSE_OPTIONS, lineCounter }) as Document.Parsed[];
      entry = { documents: Array.isArray(documents) ? documents : [], lineCounter };
      this.parsed.set(pointer.file, entry);
    }
    const document = entry.documents[pointer.documentIndex];
    if (!document) return { file: pointer.file, start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } };
    return locateInDocument(document, entry.lineCounter, pointer.file, pointer.path, target);
  }
}
