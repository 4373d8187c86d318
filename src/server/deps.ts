import type { LocalEngine } from '../engine/local/local-engine.js';
import type { Store } from '../store/store.js';

/** What every route module and worker of `esipay serve` gets: the local engine over the service's store. */
export interface ServiceDeps {
  engine: LocalEngine;
  store: Store;
  /** The service's public base URL (links handed to consumers), without a trailing slash. */
  publicUrl: string;
  /** Operator messages (stderr): what workers did, what failed. Never a card number. */
  log?: (message: string) => void;
}
