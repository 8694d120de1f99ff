/** A place in an inventory file. Lines and columns are 1-based, as the `yaml` package gives them;
 * `offset` is the 0-based character offset into the file's text. */
export interface SourcePosition {
  line: number;
  col: number;
  offset: number;
}

export interface SourceRange {
  /** Path relative to the inventory root, with forward slashes. */
  file: string;
  start: SourcePosition;
  end: SourcePosition;
}

export function formatSourceRange(range: SourceRange): string {
  return `${range.file}:${range.start.line}:${range.start.col}`;
}

/** Orders ranges by file, then position: the order diagnostics are printed in. */
export function compareSourceRanges(a: SourceRange | undefined, b: SourceRange | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.start.offset - b.start.offset;
}
