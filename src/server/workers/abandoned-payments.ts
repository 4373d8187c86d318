import type { ServiceDeps } from '../deps.js';
import { periodic, type Worker } from './periodic.js';

export const ABANDONED_SWEEP_MS = 15_000;

/**
 * Cancels payments abandoned while they waited for their return URL (the engine's
 * sweepAbandonedPayments says how): at start-up, then every 15 s.
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

/** One sweep, logged: the ids of the payments it cancelled. */
export async function sweepAbandonedPayments(deps: ServiceDeps): Promise<string[]> {
  const { cancelled, problems } = await deps.engine.maintenance.sweepAbandonedPayments();
  if (cancelled.length > 0)
    deps.log?.(`cancelled ${cancelled.length} payment(s) abandoned while waiting for their return URL: ${cancelled.join(', ')}`);
  for (const problem of problems) deps.log?.(problem);
  return cancelled;
}
