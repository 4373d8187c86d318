import type { Row } from '../sql/rows.js';

/** SQLite's side of building SQL: better-sqlite3's named parameters (@name), bound from a row object. */

/** "INSERT INTO t (a, b) VALUES (@a, @b)" for a row's keys. */
export function insertSql(table: string, row: Row): string {
  const cols = Object.keys(row);
  return `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`;
}
