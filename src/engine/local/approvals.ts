import type { TransactionRecord } from '../../domain/types.js';
import type { EngineContext } from './context.js';

/**
 * Releases at the acquirer whatever a payment cancelled as abandoned (a crash while it waited)
 * had been approved for, by the reference esipay authorised it with: its id. Nothing needs to have
 * been written about the approval, so even a crash in the instant after the acquirer's answer
 * leaves no hold. The acquirer's failure is reported, not thrown: the cancellation stands.
 */
export async function releaseAbandoned(ctx: EngineContext, tx: TransactionRecord | undefined): Promise<string | undefined> {
  if (!tx) return undefined;
  try {
    await ctx.acquirer.release(tx.id);
    return undefined;
  } catch (e) {
    return `could not release the approval of ${tx.id}: ${(e as Error)?.message ?? String(e)}`;
  }
}

/**
 * Releases an approval whose payment esipay has just cancelled itself. A failure here changes
 * nothing for the payment (it is cancelled and shows so) and an unreleased hold lapses at the
 * card issuer by itself, so it is not an error for the caller to handle.
 */
export async function releaseApproval(ctx: EngineContext, reference: string): Promise<void> {
  await ctx.acquirer.release(reference).catch(() => undefined);
}

/**
 * A payment stays PENDING while esipay waits for the merchant's return URL. If the service died
 * then, nobody will finish it: past its deadline (the callback timeout plus a grace, so payments
 * another instance is still settling are left alone) it is CANCELLED, and the acquirer's approval
 * it had is released. Never charged: a payment is PAID only once its return URL answered 200.
 */
export async function sweepAbandonedPayments(ctx: EngineContext): Promise<{ cancelled: string[]; problems: string[] }> {
  const cancelled = await ctx.store.cancelAbandonedPayments(ctx.clock().toISOString());
  const problems: string[] = [];
  for (const id of cancelled) {
    const problem = await releaseAbandoned(ctx, await ctx.store.getTransaction(id));
    if (problem) problems.push(problem);
  }
  return { cancelled, problems };
}
