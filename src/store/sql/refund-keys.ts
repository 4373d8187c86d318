import { isReplayOf } from '../../domain/decisions.js';
import type { TransactionRecord } from '../../domain/types.js';
import type { Migration } from './migration.js';
import type { KeyedRefund, KeyedRefundResult, RefundKey } from '../store.js';
import { refundFromRow, type Row } from './rows.js';

/**
 * What both adapters share about refunds' idempotency keys (migration 3): the columns a keyed
 * refund adds to its row, the row read back with its fingerprint, and what a key already used
 * means for a new request. Keys are never purged: they live as long as their refund row.
 */

/** The columns of a refund row that carry its key; a refund without one leaves them NULL. */
export function refundKeyColumns(key: RefundKey): Row {
  return { idem_key: key.idemKey, request_hash: key.requestHash };
}

export function keyedRefundFromRow(r: Row): KeyedRefund {
  return { refund: refundFromRow(r), requestHash: String(r.request_hash) };
}

/**
 * A key that already holds a refund: the same request (same fingerprint: transaction and amount
 * asked for) gets that refund back, with `tx` (its transaction as it stands); another is refused.
 */
export function replayOfKey(seen: KeyedRefund, key: RefundKey, tx: TransactionRecord): KeyedRefundResult {
  if (!isReplayOf(seen, key.requestHash)) return { ok: false, reason: 'key_reused', refund: seen.refund };
  return { ok: true, transaction: tx, refund: seen.refund, replayed: true };
}

/** Migration 3, the same SQL on both databases (a key is TEXT, as transactions.idem_key). */
export const REFUND_KEYS_MIGRATION: Migration = {
  version: 3,
  name: 'idempotency keys on refunds',
  // The unique index decides between concurrent requests with one key (per merchant);
  // request_hash tells the same request from another one under that key.
  sql: `
ALTER TABLE refunds ADD COLUMN idem_key TEXT;
ALTER TABLE refunds ADD COLUMN request_hash TEXT;
CREATE UNIQUE INDEX refunds_idem ON refunds (merchant_id, idem_key) WHERE idem_key IS NOT NULL;
`,
};
