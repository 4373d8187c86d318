import type { TxDisplayStatus } from '../../domain/types.js';
import type { TransactionQuery } from '../store.js';
import type { Migration } from './migration.js';

/**
 * listTransactions as SQL, for both adapters: the filters are WHERE clauses beside the keyset, so
 * the database pages through the rows that match (on the merchant's (created_at, id) index)
 * instead of the caller reading everything. Only the placeholders differ between the adapters:
 * each passes `param`, which binds a value and returns its placeholder.
 */
export function listTransactionsSql(q: TransactionQuery, param: (value: unknown) => string): string {
  const where = [`merchant_id = ${param(q.merchantId)}`];
  if (q.topLevel) where.push('parent_id IS NULL');
  if (q.parentId) where.push(`parent_id = ${param(q.parentId)}`);
  if (q.cid !== undefined) where.push(`cid = ${param(q.cid)}`);
  if (q.kinds && q.kinds.length > 0) where.push(`kind IN (${q.kinds.map((k) => param(k)).join(', ')})`);
  if (q.statuses && q.statuses.length > 0) {
    let now: string | undefined;
    const at = () => {
      // The store has no clock of its own (as in decisions.ts): EXPIRED is read at the caller's.
      if (q.now === undefined) throw new Error('listTransactions: the statuses AUTHORISED and EXPIRED need `now`');
      return (now ??= param(q.now));
    };
    where.push(`(${q.statuses.map((s) => STATUS_SQL[s](at)).join(' OR ')})`);
  }
  if (q.since !== undefined) where.push(`created_at >= ${param(q.since)}`);
  if (q.until !== undefined) where.push(`created_at < ${param(q.until)}`);
  if (q.before) where.push(`(created_at, id) < (${param(q.before.createdAt)}, ${param(q.before.id)})`);
  return `SELECT * FROM transactions WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${param(q.limit)}`;
}

/**
 * Each displayed status as a condition on the stored row: the same reading as displayStatus
 * (PAID split by what was refunded, AUTHORISED past its expiresAt is EXPIRED), which
 * test/store/transaction-filters.test.ts holds them to on both adapters.
 */
const STATUS_SQL: Readonly<Record<TxDisplayStatus, (now: () => string) => string>> = {
  PENDING: () => `status = 'PENDING'`,
  PAID: () => `(status = 'PAID' AND refunded = 0)`,
  PARTIALLY_REFUNDED: () => `(status = 'PAID' AND refunded > 0 AND refunded < amount)`,
  REFUNDED: () => `(status = 'PAID' AND refunded > 0 AND refunded >= amount)`,
  AUTHORISED: (now) => `(status = 'AUTHORISED' AND (expires_at IS NULL OR expires_at > ${now()}))`,
  EXPIRED: (now) => `(status = 'AUTHORISED' AND expires_at IS NOT NULL AND expires_at <= ${now()})`,
  DECLINED: () => `status = 'DECLINED'`,
  FAILED: () => `status = 'FAILED'`,
  CANCELLED: () => `status = 'CANCELLED'`,
};

/**
 * Migration 7, the same SQL on both databases. A listing by cid (tx list --cid, the look-up batch
 * pay makes for each row, V4 Order/Get) ordered newest first: with only (merchant_id, cid),
 * SQLite walked the merchant's whole (created_at, id) index instead, to save a sort (about 1 s a
 * look-up at a million rows); with the order in the index it reads the few rows of that cid, in
 * order (1 ms). The index it replaces is a prefix of this one: no write pays for two.
 */
export const CID_PAGE_MIGRATION: Migration = {
  version: 7,
  name: 'index transactions by merchant reference, newest first',
  sql: `
CREATE INDEX transactions_merchant_cid_page ON transactions (merchant_id, cid, created_at DESC, id DESC);
DROP INDEX transactions_merchant_cid;
`,
};
