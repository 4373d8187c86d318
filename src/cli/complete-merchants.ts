import { createRequire } from 'node:module';
import { readEnv } from '../config/env.js';
import { defaultDbPath } from '../config/paths.js';
import { builtin } from '../util/builtin.js';
import { isPostgresUrl } from '../store/location.js';

const { existsSync } = builtin('node:fs');

/**
 * The merchants of the local SQLite database, for `--merchant <Tab>` and `merchant show <Tab>`:
 * read-only, newest first, at most 100, never creating the file. The database is the one the
 * command line names (`--db`), else ESIPAY_DB, else the default; a PostgreSQL URL or a remote
 * engine offers nothing (completion must answer at once, without a network).
 */
export function localMerchants(words: readonly string[]): string[] {
  try {
    const at = words.indexOf('--db');
    const given = at >= 0 ? words[at + 1] : words.find((w) => w.startsWith('--db='))?.slice('--db='.length);
    if (words.includes('remote') && words.some((w) => w === '--engine' || w.startsWith('--engine='))) return [];
    const db = given ?? readEnv('ESIPAY_DB') ?? defaultDbPath();
    if (!db || isPostgresUrl(db) || !existsSync(db)) return [];
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (conn.prepare('SELECT id FROM merchants ORDER BY created_at DESC, id DESC LIMIT 100').all() as { id: string }[]).map(
        (r) => r.id,
      );
    } finally {
      conn.close();
    }
  } catch {
    // A database esipay cannot read offers nothing: completion never fails a shell.
    return [];
  }
}
