import { EsipayError, unavailable } from '../domain/errors.js';
import { oneLine } from '../util/printable.js';
import { isPostgresUrl, printableLocation } from './location.js';
import { secretKeyFromEnv, type SecretKeySource } from './secret-key.js';
import { SECRET_KEY_ID_SETTING, SecretSealer } from './secret-sealer.js';
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
  /** SQLite: checkpoints in a worker thread, off the request path (a long-lived writer: `esipay serve`). */
  sqliteCheckpointer?: boolean;
  /** PostgreSQL: where a lost connection is reported; SQLite: the checkpointer's failures. One line each (default stderr). */
  log?: (line: string) => void;
  /** Where the key sealing merchant secrets comes from (default ESIPAY_SECRET_KEY, else the key file). */
  secretKey?: SecretKeySource;
}

export async function openStore(location: string, opts: OpenStoreOptions = {}): Promise<Store> {
  let store: Store;
  const sealer = new SecretSealer(opts.secretKey ?? secretKeyFromEnv());
  if (isPostgresUrl(location)) {
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    store = new PostgresStore(location, { sealer, ...(opts.log ? { log: opts.log } : {}) });
  } else {
    const { SqliteStore } = await import('./sqlite/sqlite-store.js');
    store = new SqliteStore(location, {
      sealer,
      ...(opts.sqliteCacheKiB !== undefined ? { cacheKiB: opts.sqliteCacheKiB } : {}),
      ...(opts.sqliteCheckpointer ? { checkpointer: await import('./sqlite/checkpointer.js') } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
  }
  if (opts.migrate !== false) {
    try {
      await store.migrate();
      // A key that cannot open what the database holds fails the start, not every merchant after it.
      sealer.checkStored(await store.getSetting(SECRET_KEY_ID_SETTING));
    } catch (e) {
      await store.close().catch(() => undefined);
      throw e;
    }
  }
  return store;
}

/**
 * openStore for a command or the service: a database that cannot be opened or reached is
 * "unavailable" (exit 5, 503), its cause on one line and the location without its password; a bad
 * setting (an ESIPAY_PG_* or ESIPAY_SQLITE_SYNC value) stays the user's to fix (invalid, exit 2), and
 * a sealing key that does not fit the database keeps its own code (secret_key_*, exit 5).
 */
export async function openStoreOrExplain(location: string, opts: OpenStoreOptions = {}): Promise<Store> {
  try {
    return await openStore(location, opts);
  } catch (e) {
    throw cannotOpen(location, e);
  }
}

/** The error of a database that could not be opened (or read as one): see openStoreOrExplain. */
export function cannotOpen(location: string, e: unknown): EsipayError {
  if (e instanceof EsipayError && (e.kind === 'invalid' || e.code.startsWith('secret_key_'))) return e;
  return unavailable(
    'store_unavailable',
    `cannot open the database ${printableLocation(location)}: ${oneLine(e instanceof Error ? e.message : String(e))}`,
    e instanceof EsipayError && e.hint ? e.hint : 'check --db or ESIPAY_DB',
  );
}
