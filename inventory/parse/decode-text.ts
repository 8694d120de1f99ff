import type { Diagnostic } from '../core/diagnostic.js';
import { positionAt } from './line-index.js';

/** Files above this size are refused: an inventory file is hand-written YAML, and a huge one is
 * almost certainly a mistake (or an attack on the parser). */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lossyDecoder = new TextDecoder('utf-8');

/** Decodes a file as UTF-8 (a BOM is dropped), or says where it stops being UTF-8. */
export function decodeInventoryText(file: string, bytes: Uint8Array): { text: string } | { diagnostic: Diagnostic } {
  if (bytes.length > MAX_FILE_BYTES) {
    return {
      diagnostic: {
        severity: 'error',
        code: 'INV_YAML_FILE_TOO_LARGE',
        summary: `${file} is ${bytes.length} bytes; inventory files may hold at most ${MAX_FILE_BYTES} bytes`,
        subject: { file, start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } },
      },
    };
  }
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
