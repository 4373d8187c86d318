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
 * Every write that waits is PENDING with a deadline: a card payment (the acquirer, then its
 * return URL), a link attempt, a scheduled debit's attempt, a shipment (its debit) and an initial
 * verification. If the service died meanwhile, nobody will finish it: past its deadline (the
 * bounds of what it waits for plus a grace, so what another live instance is still settling is
 * left alone) it is CANCELLED, a shipment's amount going back to its initial in the same database
 * transaction, and the acquirer's hold on its reference is released: cancelled and released is a
 * void, so nothing is taken that esipay does not show as taken (docs/reliability.md says why this
 * rather than asking the acquirer whether it took it). A late settle of a swept record is a
 * compare-and-set on PENDING that fails, and that settle releases the hold again.
 */
export async function sweepAbandoned(ctx: EngineContext): Promise<{ cancelled: string[]; problems: string[] }> {
  const cancelled = await ctx.store.cancelAbandonedPayments(ctx.clock().toISOString());
  const problems: string[] = [];
  for (const id of cancelled) {
    const problem = await releaseAbandoned(ctx, await ctx.store.getTransaction(id));
    if (problem) problems.push(problem);
  }
  return { cancelled, problems };
}
