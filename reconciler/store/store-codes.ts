/** Diagnostic codes of the fact store. Permanent: never renamed, never reused. */
export const STORE_CODES = {
  STORE_SCHEMA_TOO_NEW: 'the store was written by a newer pytin (its schema version is unknown to this one)',
  STORE_OPEN_FAILED: 'the store file could not be opened or is not a SQLite database',
  STORE_MIGRATION_FAILED: 'a schema migration of the store failed; the store was left at its previous version',
} as const satisfies Record<string, string>;

export type StoreCode = keyof typeof STORE_CODES;
