import { EsipayError } from '../../domain/errors.js';
import type { MerchantRecord } from '../../domain/types.js';
import type { V4InitialInput } from '../service-engine.js';
import type { EngineContext } from './context.js';
import { checkMerchantEnabled } from './merchant-enabled.js';
import { type CreateInitialOptions, type InitialOutcome, replayPayment } from './shipments.js';
import { checkOrder } from './v4-checks.js';
import { pendingPayment } from './pending-payment.js';
import { settleWithNotification } from './settle.js';

/**
 * The V4 API's immediate card payment (Charge/CreatePayment without a useCase): the card is
 * debited for the order's amount now, and the payment can be refunded like any other.
 *
 * As the initial verification (shipments.ts), the record comes first: PENDING with a deadline,
 * then the acquirer under the record's id, then the final status written together with its IPN
 * (settlePending). A crash in between leaves a PENDING payment that the sweep cancels past its
 * deadline, releasing whatever the acquirer approved: nothing is ever taken unrecorded.
 */

/** The key under which an immediate payment made with `idempotencyKey` is stored. */
export const paymentIdemKey = (key: string): string => `payment:${key}`;

export async function payNow(
  ctx: EngineContext,
  merchant: MerchantRecord,
  input: Omit<V4InitialInput, 'notification'>,
  opts: CreateInitialOptions = {},
): Promise<InitialOutcome> {
  checkMerchantEnabled(merchant);
  const { pending, card } = pendingPayment(ctx, merchant, checkOrder(merchant, input), input, 'card', paymentIdemKey);
  const { id, amount, currency } = pending;
  const inserted = await ctx.store.insertTransaction(pending);
  if (!inserted.inserted) return replayPayment(inserted.existing, pending.requestHash!, 'card');

  let outcome: { status: 'PAID'; authCode: string } | { status: 'DECLINED' | 'FAILED'; reason: string };
  try {
    const auth = await ctx.acquirer.authorise({ card, amount, currency, operation: 'DEBIT', reference: id });
    outcome = auth.approved ? { status: 'PAID', authCode: auth.authCode } : { status: 'DECLINED', reason: auth.reason };
  } catch (e) {
    outcome = { status: 'FAILED', reason: e instanceof EsipayError ? e.code : 'acquirer_error' };
  }
  const patch = {
    status: outcome.status,
    authCode: outcome.status === 'PAID' ? outcome.authCode : null,
    reason: outcome.status === 'PAID' ? null : outcome.reason,
    deadlineAt: null,
    updatedAt: ctx.clock().toISOString(),
  };
  return settleWithNotification(ctx, merchant, pending, patch, opts.notification, {
    approved: outcome.status === 'PAID',
    message: `the payment ${id} took longer than its deadline and was cancelled: nothing was debited`,
  });
}
