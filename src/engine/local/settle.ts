import { EsipayError } from '../../domain/errors.js';
import type { MerchantRecord, OutboxRecord, TransactionRecord } from '../../domain/types.js';
import type { SettlePatch } from '../../store/store.js';
import { releaseApproval } from './approvals.js';
import type { EngineContext } from './context.js';

/**
 * Writes the outcome of a payment recorded PENDING before its acquirer was asked (a V4 initial
 * verification, a V4 immediate payment) together with the message announcing it (the IPN), in
 * one database transaction: both or neither. A write that fails leaves the record PENDING: its
 * hold is released by the sweep, not here, since a commit whose answer was lost may have settled
 * it. If a sweep cancelled it first (this process stalled past its deadline), it stays cancelled,
 * what the acquirer approved is released, and the caller gets `late` as an error.
 */
export async function settleWithNotification(
  ctx: EngineContext,
  merchant: MerchantRecord,
  pending: TransactionRecord,
  patch: SettlePatch,
  notification: ((tx: TransactionRecord, merchant: MerchantRecord) => OutboxRecord) | undefined,
  late: { approved: boolean; message: string },
): Promise<{ transaction: TransactionRecord; written: true }> {
  const outbox = notification?.({ ...pending, ...patch }, merchant);
  const settled = await ctx.store.settlePending(pending.id, patch, outbox ? { outbox } : {});
  if (!settled) {
    if (late.approved) await releaseApproval(ctx, pending.id);
    throw new EsipayError('unavailable', 'acquirer_error', late.message, 'try again with a new idempotency key');
  }
  // The deliverer of this process sends the message now rather than at its next poll.
  if (outbox) ctx.outboxWritten();
  return { transaction: settled, written: true };
}
