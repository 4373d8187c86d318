import { releaseAbandoned } from '../engine/local/approvals.js';
import type { ServiceDeps } from './deps.js';
import { periodic, type Worker } from './periodic.js';

export const ABANDONED_SWEEP_MS = 15_000;

/**
 * A payment stays PENDING while esipay waits for the merchant's return URL. If the service died
 * then, nobody will finish it: past its deadline (the callback timeout plus a grace, so payments
 * another instance is still settling are left alone) it is CANCELLED, and the acquirer's approval
 * it had is released. Never charged: a payment is PAID only once its return URL answered 200.
 * Runs at start-up, then every 15 s.
 */
export function abandonedPaymentsSweeper(deps: ServiceDeps): Worker {
  return periodic(
    ABANDONED_SWEEP_MS,
    async () => {
      await sweepAbandonedPayments(deps);
    },
    (e) => deps.log?.(`abandoned-payment sweep failed: ${(e as Error)?.message ?? String(e)}`),
  );
}

/** One sweep: cancels the abandoned payments and releases the acquirer's approval each one had. */
export async function sweepAbandonedPayments(deps: ServiceDeps): Promise<string[]> {
  const ids = await deps.store.cancelAbandonedPayments(deps.engine.ctx.clock().toISOString());
  if (ids.length > 0) deps.log?.(`cancelled ${ids.length} payment(s) abandoned while waiting for their return URL: ${ids.join(', ')}`);
  for (const id of ids) {
    const problem = await releaseAbandoned(deps.engine.ctx, await deps.store.getTransaction(id));
    if (problem) deps.log?.(problem);
  }
  return ids;
}
