import { invalid } from '../domain/errors.js';
import { isPostgresUrl } from '../store/open-store.js';
import { builtin } from '../util/builtin.js';

// Built-ins without their ESM facades: every reading command checks its path (src/util/builtin.ts).
const { existsSync } = builtin('node:fs');

/**
 * A command that only reads refuses a SQLite path where there is no database, instead of letting
 * the store create its directories and an empty database there: after a typo in --db or
 * ESIPAY_DB, an empty listing would say every merchant and payment is gone. Commands that write
 * (register, pay, db migrate…) still create it. A PostgreSQL URL is the server's to answer.
 */
export function refuseMissingDatabase(location: string, createWith = 'esipay merchant register'): void {
  if (isPostgresUrl(location) || location === ':memory:' || existsSync(location)) return;
  throw invalid('no_database', `no database at ${location}`, `check --db / ESIPAY_DB, or create one with \`${createWith}\``);
}
