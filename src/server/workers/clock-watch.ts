import type { ServiceDeps } from '../deps.js';
import { periodic, type Worker } from './periodic.js';

/**
 * How often the service re-reads its database's clock offset and mode: a move made by another
 * process (`esipay clock advance` on the same database) reaches this service within this long.
 * Two reads of the settings table per tick, one after the other so a tick holds one pooled
 * connection at most (docs/clock.md has the measurements).
 */
export const CLOCK_REFRESH_MS = 250;

/**
 * Keeps the service on its database's test clock: re-reads it every 250 ms, and a change wakes
 * the workers that depend on time (they subscribe with clockWatch.onMove). A move made through
 * this service's own operator API applies at once, without waiting for the timer.
 */
export function clockWatcher(deps: ServiceDeps): Worker {
  // Said once per outage, not four times a second: the requests' own failures say the rest.
  let failing = false;
  return periodic(
    CLOCK_REFRESH_MS,
    async () => {
      await deps.engine.clockWatch.refresh();
      failing = false;
    },
    (e) => {
      // The last offset read stays in force while the database cannot be reached.
      if (!failing) deps.log?.(`reading the test clock failed (the last one read stays in force): ${(e as Error)?.message ?? String(e)}`);
      failing = true;
    },
  );
}
