import type { ServiceDeps } from '../deps.js';
import { onClockMove, periodic, type Worker } from './periodic.js';

export const ABANDONED_SWEEP_MS = 15_000;

/**
 * Resolves what a stopped service left waiting (the engine's sweepAbandoned says how): at
 * start-up, before the service says it is ready, then every 15 s, and at once when the test clock
 * moves (deadlines it passed).
 */
export function abandonedSweeper(deps: ServiceDeps): Worker {
  return onClockMove(
    deps.engine.clockWatch,
    periodic(
      ABANDONED_SWEEP_MS,
      async () => {
        await sweepAbandoned(deps);
      },
      (e) => deps.log?.(`abandoned-payment sweep failed: ${(e as Error)?.message ?? String(e)}`),
    ),
  );
}

/** One sweep, logged: the ids of the transactions it cancelled. */
export async function sweepAbandoned(deps: ServiceDeps): Promise<string[]> {
  const { cancelled, problems } = await deps.engine.maintenance.sweepAbandoned();
  if (cancelled.length > 0)
    deps.log?.(
      `cancelled ${cancelled.length} payment(s) abandoned past their deadline by a stopped service (card or link payments, shipments, initial verifications), their holds released: ${cancelled.join(', ')}`,
    );
  for (const problem of problems) deps.log?.(problem);
  return cancelled;
}
