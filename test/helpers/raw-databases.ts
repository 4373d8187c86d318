import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { CREATE_SCHEMA_MIGRATIONS, type Migration } from '../../src/store/sql/migration.js';
import { freshPostgresDatabase } from './postgres.js';

/**
 * A fresh database for one test file, with a way to run raw SQL on it behind esipay's back (to
 * plant a trigger that simulates a crash at an exact write, or to corrupt data on purpose).
 */
export interface RawDatabase {
  /** What --db / openStore takes. */
  location: string;
  exec(sql: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function rawSqlite(prefix: string): Promise<RawDatabase> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const location = join(dir, 'esipay.db');
  return {
    location,
    exec: async (sql) => {
      const db = new Database(location);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function rawPostgres(name: string): Promise<RawDatabase> {
  const fresh = await freshPostgresDatabase(name);
  return {
    location: fresh.url,
    exec: async (sql) => {
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
    cleanup: () => fresh.drop(),
  };
}

/**
 * The schema as an older esipay left it: every migration below `version` applied and recorded,
 * so a test can plant rows of that age and then see what migration `version` makes of them.
 */
export async function migrateBelow(db: RawDatabase, migrations: readonly Migration[], version: number): Promise<void> {
  await db.exec(CREATE_SCHEMA_MIGRATIONS);
  for (const m of migrations.filter((m) => m.version < version)) {
    await db.exec(m.sql);
    await db.exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, 'before', '2030-01-01T00:00:00.000Z')`);
  }
}
