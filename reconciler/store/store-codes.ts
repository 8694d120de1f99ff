/** Diagnostic codes of the fact store. Permanent: never renamed, never reused. */
export const STORE_CODES = {
  STORE_SCHEMA_TOO_NEW: 'the store was written by a newer pytin (its schema version is unknown to this one)',
  STORE_OPEN_FAILED: 'the store file could not be opened or is not a SQLite database',
  STORE_MIGRATION_FAILED: 'a schema migration of the store failed; the store was left at its previous version',
  STORE_NOT_PYTIN: 'the store path holds a SQLite database that pytin did not make; pytin refuses it and leaves it unchanged',
  STORE_PATH_INVALID:
    'the store path cannot hold a store: a parent is not a folder, the path is a folder, device, FIFO or socket, or it lies on a kernel pseudo filesystem (/proc, /sys, ...)',
  STORE_PATH_SYMLINK: 'the store file is a symbolic link; refused because a planted link would redirect the writes of pytin',
  STORE_READ_ONLY: 'the store file, its folder or its filesystem cannot be written (permissions, immutable attribute, read-only mount)',
  STORE_CORRUPT: 'SQLite found the store file damaged (a corrupt page or header)',
  STORE_DISK_FULL: "the filesystem holding the store (or the user's quota) is full; the failed write was not kept",
  STORE_IO_FAILED: 'the operating system reported an I/O error reading or writing the store',
  STORE_BUSY: "another process held the store's write lock for longer than the busy timeout",
} as const satisfies Record<string, string>;

export type StoreCode = keyof typeof STORE_CODES;
