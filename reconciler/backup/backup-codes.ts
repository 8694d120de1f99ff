/** Diagnostic codes of the backup engine. Permanent: a code is never reused for another meaning
 * and never renamed (see inventory/core/diagnostic-codes.ts for the convention). */
export const BACKUP_CODES = {
  // Options an operator gives
  BACKUP_BAD_NAME: 'the series name is not a plain file-name word (letters, digits, . _ -)',
  BACKUP_BAD_POLICY: 'iterations below 1 or keepSequences below 0',
  BACKUP_SOURCE_MISSING: 'the source directory does not exist',
  BACKUP_SOURCE_NOT_DIRECTORY: 'the source is not a directory',
  BACKUP_SOURCE_UNREADABLE: 'the source directory cannot be read',
  BACKUP_TARGET_UNWRITABLE: 'the target directory cannot be created or written',
  BACKUP_TARGET_INSIDE_SOURCE: 'the target lies inside the source, so archives would archive themselves',
  BACKUP_EXCLUDE_FILE_MISSING: 'the --exclude-from file cannot be read',
  BACKUP_COMPRESSOR_MISSING: 'the chosen compression program is not installed',
  BACKUP_PER_USER_HOME_MISSING: 'the --per-user home directory does not exist or is not a directory',
  BACKUP_PER_USER_EMPTY: 'the --per-user home directory holds no user directory',
  BACKUP_BAD_USER: 'the user name is not a plain file-name word (letters, digits, . _ @ -, not starting with . or -), so it cannot name a folder of the target',
  BACKUP_TARGET_SYMLINK: 'the target, or the folder of a per-user series, is a symbolic link; pytin does not write or read through it',
  // Series state
  BACKUP_STATE_CORRUPT: 'the series index file cannot be parsed',
  BACKUP_STATE_MISSING: 'archives of the series exist but its index file is gone',
  BACKUP_ITERATIONS_CHANGED: 'the series was made with another --iterations value',
  BACKUP_SNAPSHOT_MISSING: 'the tar snapshot file of the current index is gone, so no increment can be made',
  BACKUP_SNAPSHOT_CHANGED: 'the tar snapshot file of the current index differs from the one recorded; an increment made from it could silently miss changes',
  BACKUP_NO_SERIES: 'no backup series of that name exists in the target',
  BACKUP_UNSAFE_FILE:
    'a file of the series (index, snapshot, lock, log or archive) is a symbolic link or not a regular file; pytin neither follows nor removes it',
  BACKUP_NAME_TAKEN: 'a file the index does not record has the name of the archive or snapshot the run is to make; pytin neither overwrites nor removes it',
  BACKUP_UNLISTED_ARCHIVE: "a file named like an archive of the series is not in its index (another tool's, or an older version's); pytin leaves it alone",
  // Locking
  BACKUP_LOCK_HELD: 'another run of the same series is in progress',
  BACKUP_LOCK_STALE: 'a lock left by a process that no longer exists was taken over',
  BACKUP_LOCK_FOREIGN_HOST: 'the lock belongs to a process on another host, whose liveness cannot be checked',
  // Making an archive
  BACKUP_TAR_FAILED: 'GNU tar failed (exit status 2); nothing was advanced',
  BACKUP_TAR_KILLED: 'GNU tar was killed by a signal; nothing was advanced',
  BACKUP_TAR_NOT_FOUND: 'GNU tar could not be started',
  BACKUP_FILES_CHANGED: 'some files changed while tar read them (exit status 1); the archive is valid',
  BACKUP_DISK_FULL: 'the target file system is full; nothing was advanced',
  BACKUP_WRITE_FAILED: 'writing the archive, snapshot or index failed; nothing was advanced',
  BACKUP_PRUNE_FAILED: 'an archive due for rotation could not be removed',
  BACKUP_LOG_FAILED: 'the run log could not be appended',
  BACKUP_USER_FAILED: 'the backup of one user directory failed (the others ran)',
  // Restoring
  BACKUP_INDEX_NOT_FOUND: 'the requested index does not exist (never made, or pruned)',
  BACKUP_CHAIN_BROKEN: 'an archive needed to restore the index is missing',
  BACKUP_RESTORE_NOT_EMPTY: 'the restore destination is not empty (use --force)',
  BACKUP_RESTORE_FAILED: 'GNU tar failed to extract an archive',
  BACKUP_RESTORE_CORRUPT: 'an archive needed for the restore does not match its recorded sha256; nothing was extracted',
  // Verifying
  BACKUP_VERIFY_MISSING: 'an archive listed in the index is missing on disk',
  BACKUP_VERIFY_SIZE: 'an archive has another size than recorded',
  BACKUP_VERIFY_CHECKSUM: 'an archive has another sha256 than recorded',
  BACKUP_VERIFY_UNREADABLE: 'tar cannot list an archive',
} as const satisfies Record<string, string>;

export type BackupCode = keyof typeof BACKUP_CODES;
