import type { ServiceDeps } from '../server/deps.js';
import type { Worker } from '../server/periodic.js';
import { backoffFromEnv } from './backoff.js';
import { startOutboxDeliverer } from './deliverer.js';

/** The outbox deliverer as a worker of `esipay serve`, on the engine's clock and callback sender. */
export function outboxWorker(deps: ServiceDeps): Worker {
  return startOutboxDeliverer({
    store: deps.store,
    sender: deps.engine.ctx.callbacks,
    clock: deps.engine.ctx.clock,
    backoff: backoffFromEnv(),
    timeoutMs: deps.engine.ctx.callbackTimeoutMs,
    ...(deps.log ? { log: deps.log } : {}),
  });
}
