import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
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
