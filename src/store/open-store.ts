import { isPostgresUrl } from './location.js';
import type { Store } from './store.js';

// Where callers have always found them; they live in location.ts so the adapters need not import this file.
export { isPostgresUrl, printableLocation } from './location.js';

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
  /** PostgreSQL: where a lost connection is reported, one line (default stderr). */
  log?: (line: string) => void;
}

export async function openStore(location: string, opts: OpenStoreOptions = {}): Promise<Store> {
  let store: Store;
  if (isPostgresUrl(location)) {
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    store = new PostgresStore(location, opts.log ? { log: opts.log } : {});
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
