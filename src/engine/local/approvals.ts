import type { TransactionRecord } from '../../domain/types.js';
import type { EngineContext } from './context.js';

/**
 * The acquirer's approval is written down as soon as it is known, while the payment is still
 * PENDING: if esipay then dies before settling it, whoever cancels the abandoned payment can
 * release that approval instead of leaving the customer's funds held.
 */
export async function recordApproval(ctx: EngineContext, txId: string, authCode: string): Promise<TransactionRecord | undefined> {
  return ctx.store.transitionTransaction(txId, ['PENDING'], { status: 'PENDING', authCode, updatedAt: ctx.clock().toISOString() });
}

/** Releases the approval of a payment cancelled as abandoned; the acquirer's failure is reported, not thrown. */
export async function releaseAbandoned(ctx: EngineContext, tx: TransactionRecord | undefined): Promise<string | undefined> {
  if (!tx?.authCode) return undefined;
  try {
    await ctx.acquirer.release(tx.authCode);
    return undefined;
  } catch (e) {
    return `could not release the approval of ${tx.id}: ${(e as Error)?.message ?? String(e)}`;
  }
}
