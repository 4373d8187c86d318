import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A fresh PostgreSQL database for one test file, on the server CI provides
 * (postgres://postgres@127.0.0.1:5432/test, or ESIPAY_TEST_PG_URL). When the server cannot be
 * reached this THROWS: the PostgreSQL tests must fail loudly in CI, never skip silently.
 */
export const ADMIN_URL = process.env.ESIPAY_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface FreshDatabase {
  /** The new database's URL. */
  url: string;
  /** Drops the database (closing whatever connections are left on it). */
  drop(): Promise<void>;
}

export async function freshPostgresDatabase(label = 'test'): Promise<FreshDatabase> {
  const name = `esipay_${label
    .replace(/[^a-z0-9_]/gi, '_')
    .toLowerCase()
    .slice(0, 30)}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL.replace(/:[^:@/]*@/, ':***@')} (${(e as Error).message}). ` +
        'The PostgreSQL tests need it: start it (pg_ctlcluster <version> main start) or set ESIPAY_TEST_PG_URL. They never skip.',
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
