import type { Store } from './store.js';

/**
 * Chooses the adapter by the location: postgres:// or postgresql:// URLs open the PostgreSQL
 * store, anything else is a SQLite file path. Each adapter is imported only when chosen, so a
 * SQLite user never loads pg and the reverse.
 */
export interface OpenStoreOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** SQLite: the page cache of this connection, in KiB (default better-sqlite3's 16 MiB). */
  sqliteCacheKiB?: number;
}

export async function openStore(location: string, opts: OpenStoreOptions = {}): Promise<Store> {
  let store: Store;
  if (isPostgresUrl(location)) {
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    store = new PostgresStore(location);
  } else {
    const { SqliteStore } = await import('./sqlite/sqlite-store.js');
    store = new SqliteStore(location, opts.sqliteCacheKiB !== undefined ? { cacheKiB: opts.sqliteCacheKiB } : {});
  }
  if (opts.migrate !== false) {
    try {
      await store.migrate();
    } catch (e) {
      await store.close().catch(() => undefined);
      throw e;
    }
  }
  return store;
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A location safe to print: the password of a URL is hidden. */
export function printableLocation(location: string): string {
  if (!isPostgresUrl(location)) return location;
  try {
    const u = new URL(location);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
