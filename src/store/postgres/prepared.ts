import { readEnv } from '../../config/env.js';

/**
 * Names for the statements a payment and the background workers run over and over, so each
 * connection parses and plans them once and then only binds and executes them: a payment's
 * statements cost the PostgreSQL backend about a third less CPU, and the service a little less
 * (measured in docs/performance.md). Only statements sent on the pool itself (autocommit, one
 * statement) are named: a statement whose name the server no longer knows with that text is
 * retried unnamed, which is safe only where nothing of a transaction ran before it.
 *
 * A statement is named after its text, one name per distinct text, so the store's variants
 * (patches of different columns) each get their own. ESIPAY_PG_PREPARE=off sends them all
 * unnamed, for a pooler that cannot keep prepared statements (PgBouncer in transaction mode
 * before 1.21, or with max_prepared_statements = 0).
 */
export class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly enabled = readEnv('ESIPAY_PG_PREPARE') === 'on';

  /** The statement's name, or undefined when statements are sent unnamed. */
  of(text: string): string | undefined {
    if (!this.enabled) return undefined;
    let name = this.names.get(text);
    if (name === undefined) {
      name = `esipay_${this.names.size + 1}`;
      this.names.set(text, name);
    }
    return name;
  }
}

/**
 * The server refused a named statement before running it: its result columns changed under it
 * (another instance migrated the table: 0A000 "cached plan must not change result type"), or it
 * no longer knows the name (26000: a pooler handed the query to another server connection, or
 * someone ran DEALLOCATE). The pool drops a connection whose query failed, so the stale name
 * goes with it; the statement itself can be sent again unnamed.
 */
export function isStaleStatement(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  if (err.code === '26000') return true;
  return err.code === '0A000' && typeof err.message === 'string' && /cached plan must not change result type/.test(err.message);
}
