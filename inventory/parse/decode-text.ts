import type { Diagnostic } from '../core/diagnostic.js';
import { positionAt } from './line-index.js';

/** Files above this size are refused before they are decoded or parsed. The yaml parser holds its
 * whole token and node tree while it parses a file, and that costs far more than the text: measured
 * peaks were 50 bytes of memory per byte for the generated inventory, 200 for a mapping of short
 * keys and 500 for a flow list of one-character items (a 30 MB file of 2.2 M keys took 2.7 GB and
 * a minute of CPU in the parser alone). 1 MiB keeps one file's parse near 500 MB at worst, and is
 * 17 times the largest file of the 20,000-VM generated inventory (59 KB, one rack of VMs); an
 * inventory spreads over as many files as it likes. */
export const MAX_FILE_BYTES = 1024 * 1024;

const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lossyDecoder = new TextDecoder('utf-8');

/** A file over the cap: refused before it is decoded or parsed (the readers refuse it before it is
 * even read, from its size). */
export function fileTooLarge(file: string, size: number): Diagnostic {
  return {
    severity: 'error',
    code: 'INV_YAML_FILE_TOO_LARGE',
    summary: `${file} is ${size} bytes; inventory files may hold at most ${MAX_FILE_BYTES} bytes`,
    detail: 'Split it into several files: pytin reads every *.yaml file under the inventory root. The file was not parsed.',
    subject: { file, start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } },
  };
}

/** Decodes a file as UTF-8 (a BOM is dropped), or says where it stops being UTF-8. */
export function decodeInventoryText(file: string, bytes: Uint8Array): { text: string } | { diagnostic: Diagnostic } {
  if (bytes.length > MAX_FILE_BYTES) return { diagnostic: fileTooLarge(file, bytes.length) };
  try {
    return { text: strictDecoder.decode(bytes) };
  } catch {
    const lossy = lossyDecoder.decode(bytes);
    const offset = Math.max(0, lossy.indexOf('\uFFFD'));
    const start = positionAt(lossy, offset);
    return {
      diagnostic: {
        severity: 'error',
        code: 'INV_YAML_NOT_UTF8',
        summary: 'the file is not valid UTF-8',
        detail: 'Inventory files must be UTF-8. Re-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`).',
        subject: { file, start, end: start },
      },
    };
  }
}
