import { backoffFromEnv, retryHorizonFromEnv } from '../../outbox/backoff.js';
import { startOutboxDeliverer } from '../../outbox/deliverer.js';
import type { ServiceDeps } from '../deps.js';
import type { Worker } from './periodic.js';

/** The outbox deliverer as a worker of `esipay serve`, on the engine's clock and the service's callback sender. */
export function outboxWorker(deps: ServiceDeps): Worker {
  return startOutboxDeliverer({
    store: deps.store,
    sender: deps.callbacks.sender,
    clock: deps.engine.clock,
    backoff: backoffFromEnv(),
    retryHorizonMs: retryHorizonFromEnv(),
    timeoutMs: deps.callbacks.timeoutMs,
    wakeup: deps.callbacks.wakeup,
    ...(deps.log ? { log: deps.log } : {}),
  });
}
