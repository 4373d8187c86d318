import { conflict, EsipayError, invalid } from '../../domain/errors.js';
import { formatMoney, parseDecimal } from '../../money/amount.js';
import type { RefundRecord, TransactionRecord } from '../../domain/types.js';
import { newId } from '../../util/ids.js';
import type { RefundInput, RefundOutcome } from '../engine.js';
import { checkCallerIp, type EngineContext, fingerprint, requireMerchant, requireTransaction } from './context.js';
import { isReplayOf, remainingOf } from '../../domain/decisions.js';
import { checkIdempotencyKey } from '../idempotency-key.js';
import type { KeyedRefundResult, MovementResult } from '../../store/store.js';
import { toRefundView, toTransactionView } from './views.js';
import { checkMerchantEnabled } from './merchant-enabled.js';

/**
 * Full (no amount: all that remains) or partial refund. The check against what remains and the
 * write happen in one store call (one database transaction), so concurrent refunds can never
 * together exceed the payment.
 */
export async function refund(ctx: EngineContext, input: RefundInput): Promise<RefundOutcome> {
  if (input.merchant !== undefined) await requireMerchant(ctx, input.merchant);
  const tx = await requireTransaction(ctx, input.transaction, input.merchant);
  const merchant = await requireMerchant(ctx, tx.merchantId);
  checkCallerIp(merchant, input.callerIp);
  checkMerchantEnabled(merchant);
  let amount: number | undefined;
  if (input.amount !== undefined) {
    const parsed = parseDecimal(String(input.amount), tx.currency);
    if (!parsed.ok) throw invalid('invalid_amount', parsed.message, `give a decimal amount in ${tx.currency}, such as 10.00`);
    amount = parsed.minor;
  }
  return refundRecord(ctx, tx, amount, input.idempotencyKey);
}

/**
 * The refund of a transaction already read (and its merchant checked): `amount` in minor units,
 * or all that remains. Under an idempotency key, the key's first refund answers a retry of the
 * same request (transaction and amount asked for, "all that remains" being its own request):
 * looked up before anything is decided, so a full refund retried once nothing remains still gets
 * its refund back, and again by the store in the write itself, for retries that race.
 */
export async function refundRecord(
  ctx: EngineContext,
  tx: TransactionRecord,
  requested: number | undefined,
  idempotencyKey?: unknown,
): Promise<RefundOutcome> {
  if (tx.kind === 'initial') throw initialNotRefundable();
  const key =
    idempotencyKey == null
      ? undefined
      : { idemKey: checkIdempotencyKey(idempotencyKey), requestHash: fingerprint('refund', tx.id, requested ?? 'all') };
  if (key) {
    const held = await ctx.store.findRefundByKey(tx.merchantId, key.idemKey);
    if (held && !isReplayOf(held, key.requestHash)) throw keyReused(held.refund);
    if (held) return { transaction: toTransactionView(tx, ctx.clock()), refund: toRefundView(held.refund), replayed: true };
  }
  const now = ctx.clock();
  if (tx.status !== 'PAID') {
    throw conflict('not_refundable', `transaction ${tx.id} is ${tx.status}: only a PAID payment can be refunded`);
  }
  let amount: number;
  if (requested === undefined) {
    amount = remainingOf(tx, now.toISOString());
    if (amount === 0) throw conflict('nothing_to_refund', `transaction ${tx.id} is already fully refunded`);
  } else {
    if (!Number.isSafeInteger(requested) || requested <= 0)
      throw invalid('invalid_amount', 'the amount must be a positive whole number of minor units');
    amount = requested;
  }

  const write = (minor: number): Promise<KeyedRefundResult> => {
    const record = {
      id: newId(),
      transactionId: tx.id,
      merchantId: tx.merchantId,
      amount: minor,
      currency: tx.currency,
      createdAt: now.toISOString(),
    };
    return key ? ctx.store.addKeyedRefund(record, key) : ctx.store.addRefund(record).then((r) => written(r, record));
  };
  let result = await write(amount);
  // "All that remains" was read before the store's lock: a partial refund that committed in
  // between leaves less. The store's refusal carries the row as read under its lock, so ask again
  // for exactly that (the ceiling is still the store's to decide); a few tries, as each can race.
  for (let tries = 1; requested === undefined && !result.ok && result.reason === 'exceeds_remaining' && tries <= 3; tries++) {
    const left = result.transaction ? remainingOf(result.transaction, now.toISOString()) : 0;
    if (left === 0) throw conflict('nothing_to_refund', `transaction ${tx.id} is already fully refunded`);
    amount = left;
    result = await write(amount);
  }
  if (!result.ok) {
    if (result.reason === 'key_reused') throw keyReused(result.refund);
    const current = result.transaction ?? tx;
    switch (result.reason) {
      case 'not_found':
        throw new EsipayError('not_found', 'unknown_transaction', `no transaction ${tx.id}`);
      case 'not_refundable':
        throw conflict('not_refundable', `transaction ${tx.id} is ${current.status}: only a PAID payment can be refunded`);
      case 'exceeds_remaining': {
        const left = remainingOf(current, now.toISOString());
        throw conflict(
          'amount_exceeds_remaining',
          `cannot refund ${formatMoney(amount, tx.currency)}: only ${formatMoney(left, tx.currency)} remains on ${tx.id}`,
          left > 0 ? 'refund at most what remains, or omit the amount to refund it all' : undefined,
        );
      }
    }
  }
  const outcome = { transaction: toTransactionView(result.transaction, now), refund: toRefundView(result.refund) };
  return result.replayed ? { ...outcome, replayed: true } : outcome;
}

/** An unkeyed refund's result in the shape of a keyed one's: the record written, never a replay. */
const written = (result: MovementResult, record: RefundRecord): KeyedRefundResult =>
  result.ok ? { ...result, refund: record, replayed: false } : result;

const keyReused = (first: RefundRecord): EsipayError =>
  conflict(
    'idempotency_key_reused',
    `this idempotency key was already used for another refund (${formatMoney(first.amount, first.currency)} on ${first.transactionId})`,
    'use a new key for a new refund; repeat a key only with the same transaction and amount',
  );

export const initialNotRefundable = (): EsipayError =>
  conflict(
    'initial_not_refundable',
    'an initial multi-authorisation debits nothing and cannot be refunded',
    'refund its shipments instead',
  );
