import { backoffFromEnv, retryHorizonFromEnv } from '../../outbox/backoff.js';
import { startOutboxDeliverer } from '../../outbox/deliverer.js';
import type { ServiceDeps } from '../deps.js';
import type { Worker } from './periodic.js';

/**
 * The outbox deliverer as a worker of `esipay serve`, on the engine's clock and the service's
 * callback sender; a move of the test clock sends at once the retries it made due.
 */
export function outboxWorker(deps: ServiceDeps): Worker {
  const deliverer = startOutboxDeliverer({
    store: deps.store,
    sender: deps.callbacks.sender,
    clock: deps.engine.clock,
    backoff: backoffFromEnv(),
    retryHorizonMs: retryHorizonFromEnv(),
    timeoutMs: deps.callbacks.timeoutMs,
    wakeup: deps.callbacks.wakeup,
    ...(deps.log ? { log: deps.log } : {}),
  });
  const unsubscribe = deps.engine.clockWatch.onMove(() => deliverer.kick());
  return {
    ready: deliverer.ready,
    async stop() {
      unsubscribe();
      await deliverer.stop();
    },
  };
}
