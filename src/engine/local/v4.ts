import type { MerchantRecord, RefundRecord, TransactionRecord } from '../../domain/types.js';
import type { V4UseCases } from '../service-engine.js';
import { type EngineContext, requireTransaction } from './context.js';
import { initialNotRefundable, refundRecord } from './refunds.js';
import { authoriseInitial, initialIdemKey, ship } from './shipments.js';
import { checkAmount, checkCurrency } from './v4-checks.js';
import { paymentIdemKey, payNow } from './v4-payments.js';

/** The V4 block's use cases that read or write; its two checks (v4-checks.ts) are synchronous and load up front. */
export type V4Operations = Omit<V4UseCases, 'checkOrder' | 'checkCurrency'>;

/**
 * The V4 block of the ServiceEngine over this engine's context (see service-engine.ts), without
 * the checks. Only `esipay serve` uses it: LocalEngine imports this module on the first V4 call.
 */
export function v4UseCases(ctx: EngineContext): V4Operations {
  /** One read; a transaction of another merchant is as unknown as one that does not exist. */
  const ownTransaction = async (merchant: MerchantRecord, id: string): Promise<TransactionRecord | undefined> => {
    const t = typeof id === 'string' && id.length <= 64 ? await ctx.store.getTransaction(id) : undefined;
    return t && t.merchantId === merchant.id ? t : undefined;
  };
  const parentOf = async (t: TransactionRecord) => (t.parentId ? await ctx.store.getTransaction(t.parentId) : undefined);
  return {
    authorise: (merchant, { notification, ...input }) => authoriseInitial(ctx, merchant, input, notification ? { notification } : {}),
    pay: (merchant, { notification, ...input }) => payNow(ctx, merchant, input, notification ? { notification } : {}),
    ship: (merchant, input) => ship(ctx, merchant, input),
    async transaction(merchant, id) {
      const transaction = await ownTransaction(merchant, id);
      if (transaction) {
        const parent = await parentOf(transaction);
        return parent ? { transaction, parent } : { transaction };
      }
      // Not a transaction: perhaps a refund, which the V4 API shows as a transaction of its own.
      const refund = typeof id === 'string' && id.length <= 64 ? await ctx.store.getRefund(id) : undefined;
      if (!refund || refund.merchantId !== merchant.id) return undefined;
      const refunded = await ctx.store.getTransaction(refund.transactionId);
      if (!refunded) return undefined;
      const parent = await parentOf(refunded);
      return parent ? { transaction: refunded, parent, refund } : { transaction: refunded, refund };
    },
    async order(merchant, orderId) {
      const rows = (await ctx.store.listTransactions({ merchantId: merchant.id, cid: orderId, limit: 1000 })).reverse();
      const refunds: RefundRecord[] = [];
      for (const t of rows) if (t.refunded > 0) refunds.push(...(await ctx.store.listRefunds(t.id)));
      return { transactions: rows, refunds };
    },
    async refund(merchant, { uuid, amount, currency, idempotencyKey }) {
      const tx = await requireTransaction(ctx, uuid, merchant.id);
      if (tx.kind === 'initial') throw initialNotRefundable();
      if (currency !== undefined && currency !== null) checkCurrency(currency, merchant);
      const outcome = await refundRecord(
        ctx,
        tx,
        amount === undefined || amount === null ? undefined : checkAmount(amount),
        idempotencyKey,
      );
      const { id, amount: refunded, currency: refundCurrency, createdAt } = outcome.refund;
      const refund: RefundRecord = {
        id,
        transactionId: tx.id,
        merchantId: merchant.id,
        amount: refunded,
        currency: refundCurrency,
        createdAt,
      };
      return { refund, transaction: (await ctx.store.getTransaction(tx.id)) ?? tx };
    },
    initialByKey: (merchant, key) => ctx.store.findTransactionByIdemKey(merchant.id, initialIdemKey(key)),
    paymentByKey: (merchant, key) => ctx.store.findTransactionByIdemKey(merchant.id, paymentIdemKey(key)),
  };
}
