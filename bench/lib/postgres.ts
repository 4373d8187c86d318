import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A temporary database on the PostgreSQL server given to the bench (--pg), dropped afterwards.
 * Returns undefined, with the reason, when the server cannot be reached: the bench then says
 * so in its table instead of failing everything else.
 */
export async function temporaryDatabase(
  serverUrl: string,
): Promise<{ url: string; drop: () => Promise<void>; backendPids: () => Promise<number[]> } | { error: string }> {
  const name = `esipay_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  try {
    await admin(serverUrl, `CREATE DATABASE ${name}`);
  } catch (e) {
    return { error: `PostgreSQL at ${serverUrl.replace(/:[^:@/]*@/, ':***@')} is not reachable: ${(e as Error).message}` };
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
    // The backends connected to it now (the pools of whatever serves from it), for their CPU time.
    backendPids: async () =>
      (await admin(serverUrl, `SELECT pid FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`)).map((r) =>
        Number(r.pid),
      ),
  };
}

async function admin(serverUrl: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end().catch(() => undefined);
  }
}
