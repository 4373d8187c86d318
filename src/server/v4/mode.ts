import { AsyncLocalStorage } from 'node:async_hooks';
import type { DatabaseMode } from '../../engine/clock-types.js';

/** The V4 API's spelling of a database's mode. */
export type V4Mode = 'TEST' | 'PRODUCTION';

const current = new AsyncLocalStorage<V4Mode>();

/**
 * The `mode` of the V4 answers and IPNs built during this request: PRODUCTION on a live database,
 * TEST otherwise. Carried by the request's async context rather than passed down, so the objects'
 * builders (objects.ts, envelope.ts) read it where they write it and keep their signatures; per
 * request, not per process, so two services in one process (the tests) each answer their own.
 */
export const v4Mode = (): V4Mode => current.getStore() ?? 'TEST';

/** Runs one request's handling with its database's mode (app.ts). */
export function withV4Mode<T>(mode: DatabaseMode, fn: () => T): T {
  return current.run(mode === 'live' ? 'PRODUCTION' : 'TEST', fn);
}
