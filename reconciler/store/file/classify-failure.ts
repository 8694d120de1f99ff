import { dirname } from 'node:path';

import type { StoreCode } from '../store-codes.js';
import { StoreRefusedError } from './store-error.js';

/** What a low-level failure means to the operator: a store code and a summary that names the
 * file and what to do. Failures that are not the store file's condition (an SQL mistake, a
 * constraint pytin relies on) are not classified: they stay what they are, bugs or logic. */
export interface StoreFailure {
  code: StoreCode;
  summary: string;
}

const WRITABLE_ADVICE =
  'pytin writes the store and creates its -wal and -shm files beside it: make them writable for the user running pytin, or use another --store';

/** `error.code`: an errno name (ENOSPC) from node:fs, a SQLite result code (SQLITE_FULL) from node-sqlite3. */
export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** node-sqlite3 messages read `SQLITE_CORRUPT: database disk image is malformed`; keep SQLite's words. */
function sqliteWords(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^SQLITE_[A-Z_]+: /, '');
}

/** Classifies a SQLite error by its primary result code (node-sqlite3 puts it in `error.code`).
 * The one place that decides which SQLite failures an operator must act on. */
export function classifySqliteError(error: unknown, context: { path: string; busyTimeoutMs: number }): StoreFailure | undefined {
  const { path } = context;
  const said = sqliteWords(error);
  switch (errorCodeOf(error)) {
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return {
        code: 'STORE_CORRUPT',
        summary: `${path} is damaged (SQLite: ${said}). Restore it from a backup, or move it aside together with its -wal and -shm files so that pytin starts a new store (observed facts are collected again; the apply history and the apply lock are lost)`,
      };
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
      return { code: 'STORE_READ_ONLY', summary: `cannot write ${path} (SQLite: ${said}): ${WRITABLE_ADVICE}` };
    case 'SQLITE_CANTOPEN':
      return {
        code: 'STORE_OPEN_FAILED',
        summary: `cannot open ${path} or the -wal and -shm files beside it (SQLite: ${said}): check that the file and its folder exist and that the user running pytin may write both`,
      };
    case 'SQLITE_FULL':
      return {
        code: 'STORE_DISK_FULL',
        summary: `cannot write ${path}: the filesystem holding it is full (SQLite: ${said}); the failed write was not kept. Free space in ${dirname(path)} and run again`,
      };
    case 'SQLITE_IOERR':
    case 'SQLITE_NOLFS':
      return {
        code: 'STORE_IO_FAILED',
        // A full filesystem shows up here too when SQLite cannot grow its -shm index.
        summary: `reading or writing ${path} failed (SQLite: ${said}); the failed write was not kept. Check the disk, its free space (df) and the kernel log (dmesg), then run again`,
      };
    case 'SQLITE_BUSY':
      return {
        code: 'STORE_BUSY',
        summary: `${path} stayed locked by another process (waited ${context.busyTimeoutMs} ms; SQLite: ${said}): let the other pytin (observe, apply, allocate) finish and run again; fuser ${path} shows who holds it`,
      };
    default:
      return undefined;
  }
}

/** Classifies an errno error of pytin's own file operations on the store path (creating its
 * folders and file, checking it). `doing` completes "cannot ...", e.g. `create the folder /x`. */
export function classifyFsError(error: unknown, context: { doing: string }): StoreFailure | undefined {
  const cannot = `cannot ${context.doing}`;
  switch (errorCodeOf(error)) {
    case 'EROFS':
      return { code: 'STORE_READ_ONLY', summary: `${cannot}: the filesystem is mounted read-only. ${WRITABLE_ADVICE}` };
    case 'EPERM':
      return { code: 'STORE_READ_ONLY', summary: `${cannot}: operation not permitted (an immutable or append-only attribute? see lsattr). ${WRITABLE_ADVICE}` };
    case 'EACCES':
      return { code: 'STORE_READ_ONLY', summary: `${cannot}: permission denied for uid ${process.getuid?.() ?? '?'}. ${WRITABLE_ADVICE}` };
    case 'ENOSPC':
    case 'EDQUOT':
      return { code: 'STORE_DISK_FULL', summary: `${cannot}: the filesystem (or the quota) is full. Free space there and run again` };
    case 'EIO':
      return { code: 'STORE_IO_FAILED', summary: `${cannot}: I/O error. Check the disk and the kernel log (dmesg), then run again` };
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
    case 'ELOOP':
    case 'ENAMETOOLONG':
      return { code: 'STORE_PATH_INVALID', summary: `${cannot}: ${error instanceof Error ? error.message : String(error)}. Use another --store` };
    default:
      return undefined;
  }
}

/** An errno failure of pytin's own file operation while opening the store, as the refusal the
 * operator acts on; an errno nobody classified is still a refusal to open, with the OS's words. */
export function refusalOfFsError(error: unknown, doing: string): StoreRefusedError {
  const failure = classifyFsError(error, { doing });
  if (failure) return new StoreRefusedError(failure.code, failure.summary, { cause: error });
  return new StoreRefusedError('STORE_OPEN_FAILED', `cannot ${doing}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
