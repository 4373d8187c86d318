import type { Clock } from '../util/clock.js';
import type { Engine } from './engine.js';

/**
 * What `esipay serve` needs of the engine beyond the Engine interface: the use cases that only run
 * in the service's own process (they take objects that do not cross a wire, or serve a page or a
 * worker). LocalEngine implements it; the server types its engine as this and imports nothing
 * from `engine/local/` but the factory that builds one.
 *
 * Grouped by the part of the service that calls them, so each route module sees its own block.
 */
export interface ServiceEngine extends Engine {
  /** The engine's clock: the service answers with the same "now" its use cases decided with. */
  readonly clock: Clock;
}
