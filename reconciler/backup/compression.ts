import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

import { assertNever } from '../../inventory/core/errors.js';

/** gzip is the old tool's format; pigz writes the same format on every core; zstd is faster and
 * smaller but needs zstd on the restoring host too. */
export type Compression = 'gzip' | 'zstd' | 'pigz';

export const COMPRESSIONS: readonly Compression[] = ['gzip', 'zstd', 'pigz'];

export function isCompression(value: string): value is Compression {
  return (COMPRESSIONS as readonly string[]).includes(value);
}

/** The file name ending of an archive: pigz output is plain gzip, so it keeps `.tar.gz`. */
export function archiveExtension(compression: Compression): string {
  switch (compression) {
    case 'gzip':
    case 'pigz':
      return '.tar.gz';
    case 'zstd':
      return '.tar.zst';
    default:
      return assertNever(compression, 'compression');
  }
}

/** tar options that compress on create and decompress on extract or list. */
export function tarCompressionArgs(compression: Compression): string[] {
  switch (compression) {
    case 'gzip':
      return ['--gzip'];
    case 'zstd':
      return ['--zstd'];
    case 'pigz':
      return ['--use-compress-program=pigz'];
    default:
      return assertNever(compression, 'compression');
  }
}

/** The program tar runs for the compression, to check it is installed before starting. */
export function compressorProgram(compression: Compression): string {
  switch (compression) {
    case 'gzip':
      return 'gzip';
    case 'zstd':
      return 'zstd';
    case 'pigz':
      return 'pigz';
    default:
      return assertNever(compression, 'compression');
  }
}

/** True when `program` is an executable file on PATH. */
export async function isOnPath(program: string, path = process.env.PATH ?? ''): Promise<boolean> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    try {
      await access(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}
