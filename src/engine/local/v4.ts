import type { MerchantRecord, TransactionRecord } from '../../domain/types.js';
import type { V4UseCases } from '../service-engine.js';
import { type EngineContext, requireTransaction } from './context.js';
import { initialNotRefundable, refundRecord } from './refunds.js';
import { authoriseInitial, checkAmount, checkCurrency, checkOrder, initialIdemKey, ship } from './shipments.js';

/** The V4 block of the ServiceEngine over this engine's context (see service-engine.ts). */
export function v4UseCases(ctx: EngineContext): V4UseCases {
  /** One read; a transaction of another merchant is as unknown as one that does not exist. */
  const ownTransaction = async (merchant: MerchantRecord, id: string): Promise<TransactionRecord | undefined> => {
    const t = typeof id === 'string' && id.length <= 64 ? await ctx.store.getTransaction(id) : undefined;
    return t && t.merchantId === merchant.id ? t : undefined;
  };
  return {
    checkOrder: (merchant, order) => checkOrder(merchant, order),
    checkCurrency: (merchant, currency) => checkCurrency(currency, merchant),
    authorise: (merchant, { notification, ...input }) => authoriseInitial(ctx, merchant, input, notification ? { notification } : {}),
    ship: (merchant, input) => ship(ctx, merchant, input),
    async transaction(merchant, id) {
      const transaction = await ownTransaction(merchant, id);
      if (!transaction) return undefined;
      const parent = transaction.parentId ? await ctx.store.getTransaction(transaction.parentId) : undefined;
      return parent ? { transaction, parent } : { transaction };
    },
    async order(merchant, orderId) {
      const rows = await ctx.store.listTransactions({ merchantId: merchant.id, cid: orderId, limit: 1000 });
      return rows.reverse();
    },
    async refund(merchant, { uuid, amount, currency, idempotencyKey }) {
      const tx = await requireTransaction(ctx, uuid, merchant.id);
      if (tx.kind === 'initial') throw initialNotRefundable();
      if (currency !== undefined && currency !== null) checkCurrency(currency, merchant);
      return refundRecord(ctx, tx, amount === undefined || amount === null ? undefined : checkAmount(amount), idempotencyKey);
    },
    initialByKey: (merchant, key) => ctx.store.findTransactionByIdemKey(merchant.id, initialIdemKey(key)),
  };
}
