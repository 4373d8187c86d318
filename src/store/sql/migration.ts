import type { MigrationStatus } from '../store.js';
import type { Row } from './rows.js';

/**
 * What both adapters' migrations share: a migration's shape, the table that records the applied
 * ones, and the status computed from it. How each applies them (its lock) stays in the adapter.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The same on both databases: applied_at is TEXT ISO-8601 UTC, as every other time. */
export const CREATE_SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`;

/**
 * The rows of schema_migrations (version order), against the adapter's list of migrations; an
 * adapter that knows none is pending may pass no list and its latest version.
 */
export function migrationStatusOf(
  appliedRows: Row[],
  migrations: readonly Migration[],
  latest: number = migrations.at(-1)?.version ?? 0,
): MigrationStatus {
  const applied = appliedRows.map((r) => ({ version: Number(r.version), name: String(r.name), appliedAt: String(r.applied_at) }));
  const done = new Set(applied.map((a) => a.version));
  return {
    current: applied.at(-1)?.version ?? 0,
    latest,
    applied,
    pending: migrations.filter((m) => !done.has(m.version)).map(({ version, name }) => ({ version, name })),
  };
}
