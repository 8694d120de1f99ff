import type { SqlRunner, SqlValue } from './file/sqlite.js';

/** Rows per statement: bounds the size of one JSON document handed to SQLite. */
const ROWS_PER_STATEMENT = 20_000;

/** Inserts many rows in a few statements: the rows travel as ONE JSON array parameter and SQLite
 * unpacks them with json_each, in C. Binding every value separately cost more than the insert
 * itself (a 10,000-row ARP table: ~1.5 s one row per call, ~70 ms multi-row VALUES, ~15 ms this).
 * `verb` lets a caller say `INSERT OR REPLACE`. Buffers are not supported (JSON has no bytes). */
export async function insertRows(
  tx: SqlRunner,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly SqlValue[]>,
  verb = 'INSERT',
): Promise<void> {
  const select = columns.map((_, i) => `value ->> ${i}`).join(', ');
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    await tx.run(`${verb} INTO ${table} (${columns.join(', ')}) SELECT ${select} FROM json_each(?)`, [JSON.stringify(chunk)]);
  }
}
