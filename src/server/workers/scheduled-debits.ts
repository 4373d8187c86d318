import type { ServiceDeps } from '../deps.js';
import { onClockMove, periodic, type Worker } from './periodic.js';

/** How often due debits are looked for: instalments are due on a day, a minute late is fine. */
export const DEBIT_SWEEP_MS = 60_000;

/**
 * Takes payment links' scheduled debits when they fall due (multi_pay's later instalments,
 * pay_later's deferred debit): at start-up, then every minute, and at once when the test clock
 * moves (the debits it made due). Several instances may run it:
 * each debit is claimed by one (the store's lease) and keyed so it is never taken twice.
 */
export function scheduledDebitWorker(deps: ServiceDeps): Worker {
  return onClockMove(
    deps.engine.clockWatch,
    periodic(
      DEBIT_SWEEP_MS,
      async () => {
        let report;
        do {
          report = await deps.engine.links.runDueDebits(50);
          const total = report.paid + report.retried + report.failed;
          if (total > 0) deps.log?.(`scheduled link debits: ${report.paid} paid, ${report.retried} to retry, ${report.failed} failed`);
          if (total < 50) break;
        } while (true);
      },
      (e) => deps.log?.(`scheduled link debits failed: ${(e as Error)?.message ?? String(e)}`),
    ),
  );
}
