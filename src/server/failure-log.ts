import { redactPans } from '../card/card.js';
import { EsipayError } from '../domain/errors.js';

/** How long the same failure stays quiet after it was logged: an outage at 1,000 requests/s is one line, not 1,000. */
export const FAILURE_QUIET_MS = 10_000;

/**
 * Reports failures that are not the caller's (the database full or gone, the acquirer down) to
 * the operator: the first of a kind at once, with its cause; the same again within 10 s only
 * counted, the count said with the next line of that kind. Card numbers are masked.
 */
export function failureLog(log: (line: string) => void, now: () => number = Date.now): (e: Error) => void {
  const seen = new Map<string, { at: number; suppressed: number }>();
  return (e) => {
    const code = e instanceof EsipayError ? e.code : e.name;
    const key = `${code}\u0000${e.message}`;
    const t = now();
    const last = seen.get(key);
    if (last && t - last.at < FAILURE_QUIET_MS) {
      last.suppressed++;
      return;
    }
    const more = last?.suppressed ? ` (${last.suppressed} more like it since the last report)` : '';
    seen.set(key, { at: t, suppressed: 0 });
    if (seen.size > 100) seen.delete(seen.keys().next().value!);
    log(redactPans(`unavailable: ${code}: ${e.message}${more}`));
  };
}
