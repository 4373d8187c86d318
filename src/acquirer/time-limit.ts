import { EsipayError } from '../domain/errors.js';
import type { Acquirer, AuthorisationRequest, AuthorisationResult } from './acquirer.js';

/**
 * The acquirer with a bound on how long esipay waits for it. A waiting record's deadline is the
 * time of the call plus this bound plus a grace (docs/reliability.md), so a live instance never
 * settles a record after its deadline, when the sweep of another instance may already have
 * cancelled it: past the bound the call fails as `acquirer_error` (unavailable).
 *
 * An answer that did not come in time may still have been an approval at the acquirer: its
 * reference is released at once, and again if the approval arrives later, so a call esipay gave up
 * on never leaves a hold behind (release is a no-op for a reference never approved).
 */
export function timeLimited(acquirer: Acquirer, timeoutMs: number): Acquirer {
  const bounded = <T extends AuthorisationResult>(reference: string, call: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        call.then((late) => (late.approved ? acquirer.release(reference) : undefined)).catch(() => undefined);
        void acquirer.release(reference).catch(() => undefined);
        reject(new EsipayError('unavailable', 'acquirer_error', `the acquirer did not answer within ${timeoutMs} ms`, 'try again later'));
      }, timeoutMs);
      // A call that never answers must not keep the process alive on its own.
      timer.unref();
    });
    return Promise.race([call, expired]).finally(() => clearTimeout(timer));
  };
  return {
    authorise: (req: AuthorisationRequest) => bounded(req.reference, acquirer.authorise(req)),
    debit: (req) => bounded(req.reference, acquirer.debit(req)),
    release: (reference) => acquirer.release(reference),
  };
}
