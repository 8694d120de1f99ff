import { LineCounter } from 'yaml';

import type { SourcePosition } from '../core/source-range.js';

/** A 1-based line:col position of a character offset, from yaml's LineCounter. */
export function positionOf(lineCounter: LineCounter, offset: number): SourcePosition {
  const { line, col } = lineCounter.linePos(offset);
  return { line, col, offset };
}

/** Position lookup in text that the yaml parser did not see (e.g. a file that is not UTF-8). */
export function positionAt(text: string, offset: number): SourcePosition {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  return positionOf(lineCounter, offset);
}
