import type { Row } from '../sql/rows.js';

/** Small SQL builders for node-postgres' numbered parameters ($1, $2…). */

/** "INSERT INTO t (a, b) VALUES ($1, $2)" and its values, for a row's keys. */
export function insertOf(table: string, row: Row): { text: string; values: unknown[] } {
  const cols = Object.keys(row);
  return {
    text: `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
    values: Object.values(row),
  };
}

/** Collects values and hands back their placeholders, so a query can be built piece by piece. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
