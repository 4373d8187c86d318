import { conflict, EsipayError, invalid } from '../../domain/errors.js';
import { formatMoney, parseDecimal } from '../../money/amount.js';
import type { TransactionRecord } from '../../domain/types.js';
import { newId } from '../../util/ids.js';
import type { RefundInput, RefundOutcome } from '../engine.js';
import { checkCallerIp, type EngineContext, requireMerchant, requireTransaction } from './context.js';
import { remainingOf } from '../../domain/decisions.js';
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
  return refundRecord(ctx, tx, amount);
}

/** The refund of a transaction already read (and its merchant checked): `amount` in minor units, or all that remains. */
export async function refundRecord(ctx: EngineContext, tx: TransactionRecord, requested: number | undefined): Promise<RefundOutcome> {
  if (tx.kind === 'initial') throw initialNotRefundable();
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

  const record = {
    id: newId(),
    transactionId: tx.id,
    merchantId: tx.merchantId,
    amount,
    currency: tx.currency,
    createdAt: now.toISOString(),
  };
  const result = await ctx.store.addRefund(record);
  if (!result.ok) {
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
  return { transaction: toTransactionView(result.transaction, now), refund: toRefundView(record) };
}

export const initialNotRefundable = (): EsipayError =>
  conflict(
    'initial_not_refundable',
    'an initial multi-authorisation debits nothing and cannot be refunded',
    'refund its shipments instead',
  );
