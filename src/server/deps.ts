import type { CallbackSender } from '../callback/sender.js';
import type { ServiceEngine } from '../engine/service-engine.js';
import type { OutboxWakeup } from '../outbox/wakeup.js';
import type { Store } from '../store/store.js';

/** What every route module and worker of `esipay serve` gets: the engine over the service's store. */
export interface ServiceDeps {
  engine: ServiceEngine;
  /** The service's own state (operator token, form-token keys, health): never a use case's data. */
  store: Store;
  /** How the service calls merchants back: shared by the engine and the outbox deliverer. */
  callbacks: { sender: CallbackSender; timeoutMs: number; wakeup: OutboxWakeup };
  /** The service's public base URL (links handed to consumers), without a trailing slash. */
  publicUrl: string;
  /** Operator messages (stderr): what workers did, what failed. Never a card number. */
  log?: (message: string) => void;
}
