import { parseCard } from '../../card/card.js';
import { EsipayError, invalid } from '../../domain/errors.js';
import type { MerchantRecord } from '../../domain/types.js';
import { newId } from '../../util/ids.js';
import { checkIdempotencyKey } from '../idempotency-key.js';
import type { V4InitialInput } from '../service-engine.js';
import { releaseApproval } from './approvals.js';
import { acquirerDeadline, type EngineContext, fingerprint } from './context.js';
import { checkMerchantEnabled } from './merchant-enabled.js';
import { cardFields, newTransactionRecord } from './records.js';
import { checkOrder, type CreateInitialOptions, type InitialOutcome, replayPayment } from './shipments.js';
import { v4DetailsField } from './v4-details.js';

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
  const { amount, currency, orderId, email } = checkOrder(merchant, input);
  const now = ctx.clock();
  if (typeof input.card !== 'object' || input.card === null) throw invalid('invalid_card_number', 'the card is required');
  const card = parseCard(input.card, now);
  if (!card.ok) throw invalid(`invalid_${card.problem}`.replace('invalid_card_expired', 'card_expired'), card.message);

  const kept = cardFields(card.card, ctx.cardKey);
  const idemKey = input.idempotencyKey == null ? null : paymentIdemKey(checkIdempotencyKey(input.idempotencyKey));
  const id = newId();
  const pending = newTransactionRecord(
    {
      id,
      merchantId: merchant.id,
      kind: 'card',
      // The orderId is only recommended: without one, the transaction's uuid stands in (the V4
      // objects show null then), as for the initial transaction.
      cid: orderId === '' ? id : orderId,
      idemKey,
      requestHash: fingerprint('payment', amount, currency, orderId, email, kept.cardHash, card.card.expMonth, card.card.expYear),
      status: 'PENDING',
      amount,
      currency,
      ...kept,
      email,
      deadlineAt: acquirerDeadline(ctx, now),
      ...v4DetailsField(input.details, card.card),
    },
    now,
  );
  const inserted = await ctx.store.insertTransaction(pending);
  if (!inserted.inserted) return replayPayment(inserted.existing, pending.requestHash!, 'card');

  let outcome: { status: 'PAID'; authCode: string } | { status: 'DECLINED' | 'FAILED'; reason: string };
  try {
    const auth = await ctx.acquirer.authorise({ card: card.card, amount, currency, operation: 'DEBIT', reference: id });
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
  const outbox = opts.notification?.({ ...pending, ...patch }, merchant);
  const settled = await ctx.store.settlePending(id, patch, outbox ? { outbox } : {});
  if (!settled) {
    // Past its deadline a sweep cancelled it (this process stalled): it stays cancelled, and
    // what the acquirer approved meanwhile is given back.
    if (outcome.status === 'PAID') await releaseApproval(ctx, id);
    throw new EsipayError(
      'unavailable',
      'acquirer_error',
      `the payment ${id} took longer than its deadline and was cancelled: nothing was debited`,
      'try again with a new idempotency key',
    );
  }
  // The deliverer of this process sends the message now rather than at its next poll.
  if (outbox) ctx.outboxWritten();
  return { transaction: settled, written: true };
}
