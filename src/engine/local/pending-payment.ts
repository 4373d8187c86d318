import { type ParsedCard, parseCard } from '../../card/card.js';
import { invalid } from '../../domain/errors.js';
import type { MerchantRecord, TransactionRecord } from '../../domain/types.js';
import { newId } from '../../util/ids.js';
import { checkIdempotencyKey } from '../idempotency-key.js';
import type { CheckedOrder, V4InitialInput } from '../service-engine.js';
import { acquirerDeadline, type EngineContext, fingerprint } from './context.js';
import { cardFields, newTransactionRecord } from './records.js';

/**
 * A V4 card payment (an initial verification, an immediate payment) as the record written
 * PENDING before its acquirer is asked under its id, with a deadline: a crash after the
 * acquirer's approval leaves a record whose hold the sweep releases, never a hold esipay knows
 * nothing of. The card is kept as first 6, last 4, brand and keyed hash; the request's echoed
 * details (v4Details) with the card's expiry, which the V4 objects show and which is no secret.
 */
export function pendingPayment(
  ctx: EngineContext,
  merchant: MerchantRecord,
  order: CheckedOrder,
  input: Pick<V4InitialInput, 'card' | 'idempotencyKey' | 'details'>,
  kind: 'initial' | 'card',
  keyOf: (idempotencyKey: string) => string,
): { pending: TransactionRecord; card: ParsedCard } {
  const { amount, currency, orderId, email } = order;
  const now = ctx.clock();
  const id = newId();
  // The orderId is only recommended by the seed: without one, the transaction's uuid stands in.
  const cid = orderId === '' ? id : orderId;
  if (typeof input.card !== 'object' || input.card === null) throw invalid('invalid_card_number', 'the card is required');
  const card = parseCard(input.card, now);
  if (!card.ok) throw invalid(`invalid_${card.problem}`.replace('invalid_card_expired', 'card_expired'), card.message);

  const kept = cardFields(card.card, ctx.cardKey);
  const idemKey = input.idempotencyKey == null ? null : keyOf(checkIdempotencyKey(input.idempotencyKey));
  const pending = newTransactionRecord(
    {
      id,
      merchantId: merchant.id,
      kind,
      cid,
      idemKey,
      requestHash: fingerprint(amount, currency, cid, email, kept.cardHash, card.card.expMonth, card.card.expYear),
      status: 'PENDING',
      amount,
      currency,
      ...kept,
      email,
      deadlineAt: acquirerDeadline(ctx, now),
      ...(input.details === undefined
        ? {}
        : { v4Details: JSON.stringify({ ...input.details, expiryMonth: card.card.expMonth, expiryYear: card.card.expYear }) }),
    },
    now,
  );
  return { pending, card: card.card };
}
