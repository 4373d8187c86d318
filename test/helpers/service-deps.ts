import { HttpCallbackSender } from '../../src/callback/sender.js';
import type { ServiceEngine } from '../../src/engine/service-engine.js';
import { OutboxWakeup } from '../../src/outbox/wakeup.js';
import type { ServiceDeps } from '../../src/server/deps.js';
import type { Store } from '../../src/store/store.js';

/** What a route module or a worker gets from `esipay serve`, for tests that build the app in-process. */
export function serviceDeps(engine: ServiceEngine, store: Store): ServiceDeps {
  return {
    engine,
    store,
    callbacks: { sender: new HttpCallbackSender(), timeoutMs: 10_000, wakeup: new OutboxWakeup() },
    publicUrl: 'http://127.0.0.1:6543',
  };
}
